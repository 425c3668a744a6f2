// Helpers for the real-mode fault tests: a raw loopback TCP client with receive deadlines
// (speaking Redis' RESP by hand, so a stalled or reset connection shows as exactly that), a
// blocking libpq helper, and one set of throwaway servers shared by a test binary.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>

#include "real/fault/throwaway_servers.h"

namespace fl::real::fault::testing {

class RawClient {
 public:
  // Connects to 127.0.0.1:port; ok() says whether it worked, error() why not.
  explicit RawClient(std::uint16_t port);
  ~RawClient();
  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  bool send_all(const std::string& bytes);
  // Reads until `want` bytes arrived or `timeout_ms` passed; returns what came. Sets closed()
  // when the peer closed or reset the connection.
  std::string recv_for(std::size_t want, int timeout_ms);
  bool closed() const { return closed_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string error_;
};

// One Redis command round trip ("PING" -> "+PONG\r\n") with a deadline; "" on timeout.
std::string redis_call(RawClient& c, const std::string& inline_command, std::size_t reply_bytes,
                       int timeout_ms);

// A blocking libpq query; returns the first value of the first row, or "ERROR: ..." text.
std::string pg_query(std::uint16_t port, const std::string& sql);

// Milliseconds on the steady clock.
double now_ms();

// Servers for this process, started on first use (about a second), stopped at exit.
ThrowawayServers& shared_servers(bool redis_appendonly = false);

}  // namespace fl::real::fault::testing
