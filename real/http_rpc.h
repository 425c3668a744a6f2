// HttpTransport: io::Transport over HTTP/1.1 + JSON on Boost.Beast, for production. The same
// io::Handler that serves simulated RPCs serves real HTTP requests here.
//
// Server: listens on 127.0.0.1:port (0: an ephemeral port, see port()); one fiber per
// connection, keep-alive, bounded header (16 KiB) and body (io::kMaxBodyBytes) sizes; a request
// too large gets 413, a malformed one 400 (both with a JSON error body) and the connection is
// closed; a handler that throws yields 500. At most kMaxConnections connections at once.
// Client: call() maps failures onto the seam's three outcomes: no such node, connection refused
// or connect timeout -> failed/unreachable (the request was never sent); a timeout or a broken
// connection after the request was written -> indeterminate. Idle keep-alive connections are
// reused per destination (at most kMaxIdlePerPeer kept).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "system/io/tasks.h"
#include "system/io/transport.h"

namespace fl::real {

class HttpTransport final : public io::Transport {
 public:
  static constexpr std::size_t kMaxConnections = 1024;
  static constexpr std::size_t kMaxIdlePerPeer = 64;
  static constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

  // `peers`: node name -> "host:port". `listen_port`: where serve() listens (0: ephemeral).
  HttpTransport(io::Tasks* tasks, std::map<std::string, std::string> peers,
                std::uint16_t listen_port);
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl::real
