// The insides of HttpTransport (http_rpc.h), shared by its three files: http_rpc.cc (setup and
// teardown), http_server.cc (accepting and serving connections) and http_client.cc (calls).
// Not for use outside real/http_*.cc.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>  // before Asio (TOOLCHAIN.md)
#include <vector>

#include "real/fiber_runtime.h"
#include "real/http_rpc.h"
#include "system/io/assert.h"

namespace fl::real {
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

// Starts an async operation and parks until its handler runs; returns its error code.
template <typename Start>
error_code await(Start&& start) {
  Parker parker;
  error_code result;
  start([&](error_code ec, auto&&...) {
    result = ec;
    parker.unpark();
  });
  parker.park();
  return result;
}

// "text" as a JSON string: quotes and backslashes escaped, control characters dropped.
std::string json_quoted(const std::string& text);
// {"error": message}.
std::string json_error(const std::string& message);

// One JSON log line on stderr from the transport itself (no service logger reaches here).
void log_transport(const char* level, const std::string& msg, const std::string& detail);

// Header fields the transport owns (never copied between HTTP and io::Headers).
bool transport_field(beast::string_view name);

// Copies a parsed message's fields into `out`; false when a field is over the limits of
// io::Headers (the server answers 431).
template <typename Fields>
bool copy_fields(const Fields& in, io::Headers* out) {
  for (const auto& f : in) {
    if (transport_field(f.name_string())) continue;
    if (!out->set(std::string_view(f.name_string().data(), f.name_string().size()),
                  std::string_view(f.value().data(), f.value().size()))) {
      return false;
    }
  }
  return true;
}

// Copies io::Headers onto an outgoing message; Content-Type defaults to application/json.
template <typename Message>
void apply_fields(const io::Headers& in, Message* out) {
  for (const auto& [name, value] : in.fields()) {
    if (!transport_field(name)) out->set(name, value);
  }
  if (in.get("content-type") == nullptr) out->set(http::field::content_type, "application/json");
}

// One served connection, as the eviction policy sees it.
struct Connection {
  std::weak_ptr<beast::tcp_stream> stream;
  bool idle = true;  // waiting for the next request (not handling one)
  std::chrono::steady_clock::time_point idle_since = std::chrono::steady_clock::now();
  bool evicted = false;  // closed to make room; its fiber has not ended yet
};

struct HttpTransport::Impl {
  io::Tasks* tasks = nullptr;
  std::map<std::string, std::string> peers;
  std::uint16_t listen_port = 0;
  HttpLimits limits;
  io::Handler handler;
  std::unique_ptr<tcp::acceptor> acceptor;
  bool stopping = false;
  // Fibers this transport started (accept loop, connections); the destructor waits for them.
  std::size_t live_fibers = 0;
  Parker* exit_waiter = nullptr;
  std::map<std::uint64_t, Connection> connections;  // by id, oldest first
  std::uint64_t next_connection = 0;
  std::size_t evicting = 0;  // closed by eviction, their fibers not yet ended
  HttpStats stats;
  std::map<std::string, std::vector<std::unique_ptr<beast::tcp_stream>>> idle;  // client side

  void fiber_exited() {
    FL_ASSERT(live_fibers > 0);
    if (--live_fibers == 0 && exit_waiter != nullptr) exit_waiter->unpark();
  }

  // Server (http_server.cc).
  void accept_loop();
  bool admit(tcp::socket& socket);
  bool evict_oldest_idle();
  void serve_connection(std::shared_ptr<beast::tcp_stream> stream, std::uint64_t id);
  // Client (http_client.cc).
  io::Result<io::Response> exchange(beast::tcp_stream& stream, const io::Request& request,
                                    io::Deadline deadline, bool* keep);
};

}  // namespace fl::real
