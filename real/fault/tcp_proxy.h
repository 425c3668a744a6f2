// TcpProxy: a fault-injecting TCP proxy on loopback, between clients and one server.
//
// Fault model (per direction: client->server and server->client):
//  - latency: every chunk read is delivered no earlier than delay + a uniform jitter draw in
//    [0, jitter] after it was read; order within a connection is kept (a chunk never overtakes an
//    earlier one), as TCP would.
//  - stall: bytes are read (up to the buffer limit, then the sender is back-pressured) but held,
//    not delivered; the connection stays open. Healing delivers what was held, in order: this is
//    a network partition under TCP retransmission (nothing is lost, everything is late).
//  - drop: bytes are read and swallowed; the connection stays open. The application protocol on
//    that connection is broken for good (use it to model a black hole, not a partition).
//  - cut: every open connection is reset (RST) and new connections are refused (the listening
//    socket is closed, so connect() gets ECONNREFUSED) until heal().
//  - heal: every direction passes again with no extra latency; held bytes flow; new connections
//    are accepted on the same port.
//
// Threading: the proxy runs its own io_context on its own thread. Control methods are called from
// any other thread; each returns once the change is in force on the proxy thread. Limits: at most
// max_connections open connections (further ones are accepted and closed at once), at most
// max_buffered_bytes held per connection direction (then reading stops until it drains). The
// destructor stops the thread and closes every socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace fl::real::fault {

enum class Direction : std::uint8_t { kToServer, kToClient };
const char* to_string(Direction direction);

enum class Flow : std::uint8_t { kPass, kStall, kDrop };
const char* to_string(Flow flow);

struct DirectionFaults {
  Flow flow = Flow::kPass;
  std::int64_t delay_ns = 0;   // >= 0, at most TcpProxy::kMaxDelayNs
  std::int64_t jitter_ns = 0;  // >= 0, at most TcpProxy::kMaxDelayNs
};

struct ProxyOptions {
  std::string name = "proxy";     // in messages
  std::uint16_t listen_port = 0;  // 0: an ephemeral port (read it back with port())
  std::string target_host = "127.0.0.1";
  std::uint16_t target_port = 0;  // REQUIRES: > 0
  std::size_t max_connections = 128;
  std::size_t max_buffered_bytes = 1 << 20;  // per connection direction
  std::uint64_t seed = 1;                    // jitter draws
};

struct ProxyStats {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;  // over max_connections, or upstream connect failed
  std::uint64_t reset = 0;    // connections reset by cut()
  std::uint64_t open = 0;
  std::uint64_t forwarded_bytes[2] = {0, 0};  // indexed by Direction
  std::uint64_t dropped_bytes[2] = {0, 0};
};

class TcpProxy {
 public:
  static constexpr std::size_t kChunkBytes = 16 * 1024;
  static constexpr std::int64_t kMaxDelayNs = 60'000'000'000;
  static constexpr std::size_t kMaxConnectionsLimit = 4096;

  // Binds 127.0.0.1:listen_port and starts the proxy thread. On failure returns null and sets
  // *error to one line naming the proxy and the cause.
  static std::unique_ptr<TcpProxy> start(const ProxyOptions& options, std::string* error);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const;
  const std::string& name() const;
  // Sets one direction's faults for every open and future connection. Returns "" or an error
  // (a negative or too large delay).
  std::string set_faults(Direction direction, const DirectionFaults& faults);
  DirectionFaults faults(Direction direction) const;
  // Resets every connection and refuses new ones until heal().
  void cut();
  bool is_cut() const;
  // Back to a transparent proxy. Returns "" or why the port could not be listened on again.
  std::string heal();
  ProxyStats stats() const;

  class Impl;

 private:
  explicit TcpProxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl::real::fault
