// HttpTransport: io::Transport over HTTP/1.1 on Boost.Beast, for production. The same io::Handler
// that serves simulated RPCs serves real HTTP requests here.
//
// Server: listens on 127.0.0.1:port (0: an ephemeral port, see port()); one fiber per
// connection, keep-alive, bounded header (16 KiB, at most io::kMaxHeaders fields) and body
// (io::kMaxBodyBytes) sizes; a request too large gets 413, one with too many or too long header
// fields 431, a malformed one 400 (each with a JSON error body) and the connection is closed; a
// handler that throws yields 500. Request headers reach the handler (io::Request::headers);
// the handler's response headers are sent (Content-Type defaults to application/json). A HEAD
// request is answered with the headers (and Content-Length) of what the handler returned and no
// body.
// Limits under pressure: at most HttpLimits::max_connections are served at once; an idle
// keep-alive connection is closed after HttpLimits::idle_timeout, and when the limit is reached
// (or accept() fails for want of file descriptors, EMFILE/ENFILE) the connection idle longest is
// closed to make room; when none is idle the new connection gets 503 and is closed. accept() errors
// back off (up to kMaxAcceptBackoff) and never stop the listener. Each limit hit is counted
// (stats()) and logged as a JSON line on stderr (the first time and every kLogEvery-th time).
// Client: call() maps failures onto the seam's three outcomes: no such node, connection refused
// or connect timeout -> failed/unreachable (the request was never sent); a timeout or a broken
// connection after the request was written -> indeterminate. Idle keep-alive connections are
// reused per destination (at most kMaxIdlePerPeer kept).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "system/io/tasks.h"
#include "system/io/transport.h"

namespace fl::real {

// What the server side counted since it started.
struct HttpStats {
  std::uint64_t accepted = 0;
  std::uint64_t open = 0;
  std::uint64_t evicted_idle = 0;      // closed to make room
  std::uint64_t refused_overload = 0;  // answered 503: no room and nothing idle
  std::uint64_t accept_errors = 0;     // accept() failed (EMFILE, ...)
  std::uint64_t idle_timeouts = 0;     // closed after HttpLimits::idle_timeout
  std::uint64_t header_refusals = 0;   // answered 431
};

// The server's limits (defaults for production; tests shrink them).
struct HttpLimits {
  std::size_t max_connections = 1024;
  std::chrono::milliseconds idle_timeout{30000};  // an idle keep-alive connection is closed
  std::string listen_address = "127.0.0.1";       // where serve() binds (numeric IPv4/IPv6)
};

class HttpTransport final : public io::Transport {
 public:
  static constexpr std::size_t kMaxIdlePerPeer = 64;
  static constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
  static constexpr std::chrono::milliseconds kMaxAcceptBackoff{1000};
  static constexpr std::uint64_t kLogEvery = 1000;

  // `peers`: node name -> "host:port". `listen_port`: where serve() listens (0: ephemeral).
  HttpTransport(io::Tasks* tasks, std::map<std::string, std::string> peers,
                std::uint16_t listen_port, HttpLimits limits = {});
  ~HttpTransport() override;

  void serve(io::Handler handler) override;
  io::Result<io::Response> call(const std::string& node, const io::Request& request,
                                io::Deadline deadline) override;

  // The bound port once serving (useful with listen_port 0).
  std::uint16_t port() const;
  // Adds or replaces a peer address.
  void set_peer(const std::string& node, const std::string& host_port);
  // Stops accepting; open connections finish their current request.
  void stop();
  HttpStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl::real
