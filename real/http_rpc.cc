#include "real/http_rpc.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <utility>  // before Asio (TOOLCHAIN.md)
#include <vector>

#include "real/fiber_runtime.h"
#include "system/io/assert.h"

namespace fl::real {
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

namespace {

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

std::string json_error(const std::string& message) {
  std::string escaped;
  for (char c : message) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) escaped += c;
  }
  return "{\"error\":\"" + escaped + "\"}";
}

std::chrono::steady_clock::time_point to_time_point(io::Deadline d) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(d.monotonic_ns));
}

bool split_host_port(const std::string& hp, std::string* host, std::uint16_t* port) {
  const auto colon = hp.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string p = hp.substr(colon + 1);
  if (p.empty() || p.size() > 5) return false;
  unsigned value = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  *host = hp.substr(0, colon);
  *port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

struct HttpTransport::Impl {
  io::Tasks* tasks;
  std::map<std::string, std::string> peers;
  std::uint16_t listen_port;
  io::Handler handler;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::size_t open_connections = 0;
  bool stopping = false;
  // Fibers this transport started (accept loop, connections); the destructor waits for them.
  std::size_t live_fibers = 0;
  Parker* exit_waiter = nullptr;
  std::map<std::uint64_t, std::weak_ptr<beast::tcp_stream>> streams;
  std::uint64_t next_stream = 0;

  void fiber_exited() {
    FL_ASSERT(live_fibers > 0);
    if (--live_fibers == 0 && exit_waiter != nullptr) exit_waiter->unpark();
  }
  std::map<std::string, std::vector<std::unique_ptr<beast::tcp_stream>>> idle;

  void accept_loop();
  void serve_connection(std::shared_ptr<beast::tcp_stream> stream);
  bool answer(beast::tcp_stream& stream, http::response<http::string_body>& res);
  io::Result<io::Response> exchange(beast::tcp_stream& stream, const io::Request& request,
                                    io::Deadline deadline, bool* keep);
};

HttpTransport::HttpTransport(io::Tasks* tasks, std::map<std::string, std::string> peers,
                             std::uint16_t listen_port)
    : impl_(std::make_unique<Impl>()) {
  FL_ASSERT(tasks != nullptr);
  impl_->tasks = tasks;
  impl_->peers = std::move(peers);
  impl_->listen_port = listen_port;
}

HttpTransport::~HttpTransport() {
  stop();
  // Bounded: stop() cancelled every pending operation, so each fiber exits promptly.
  constexpr int kMaxWaits = 100000;
  for (int i = 0; i < kMaxWaits && impl_->live_fibers > 0; ++i) {
    Parker parker;
    impl_->exit_waiter = &parker;
    parker.park();
    impl_->exit_waiter = nullptr;
  }
  FL_ASSERT_EQ(impl_->live_fibers, 0u);
}

std::uint16_t HttpTransport::port() const {
  return impl_->acceptor ? impl_->acceptor->local_endpoint().port() : 0;
}

void HttpTransport::set_peer(const std::string& node, const std::string& host_port) {
  impl_->peers[node] = host_port;
}

void HttpTransport::stop() {
  impl_->stopping = true;
  error_code ignored;
  if (impl_->acceptor) impl_->acceptor->close(ignored);
  for (auto& [id, weak] : impl_->streams) {
    if (auto stream = weak.lock()) stream->socket().close(ignored);
  }
  impl_->idle.clear();
}

void HttpTransport::serve(io::Handler handler) {
  FL_ASSERT(handler != nullptr);
  impl_->handler = std::move(handler);
  if (impl_->acceptor) return;
  auto acceptor = std::make_unique<tcp::acceptor>(io());
  const tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), impl_->listen_port);
  acceptor->open(endpoint.protocol());
  acceptor->set_option(tcp::acceptor::reuse_address(true));
  acceptor->bind(endpoint);  // throws on a port in use: a configuration error, fatal at start
  acceptor->listen();
  impl_->acceptor = std::move(acceptor);
  Impl* impl = impl_.get();
  ++impl_->live_fibers;
  impl_->tasks->spawn("http-accept", [impl] {
    impl->accept_loop();
    impl->fiber_exited();
  });
}

void HttpTransport::Impl::accept_loop() {
  constexpr std::uint64_t kMaxAcceptErrors = 1000;
  std::uint64_t errors = 0;
  while (!stopping && errors < kMaxAcceptErrors) {
    tcp::socket socket(io());
    const error_code ec = await([&](auto handler) { acceptor->async_accept(socket, handler); });
    if (ec) {
      ++errors;
      continue;
    }
    if (open_connections >= kMaxConnections) continue;  // the socket closes: back-pressure
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    ++open_connections;
    ++live_fibers;
    const std::uint64_t id = next_stream++;
    streams[id] = stream;
    tasks->spawn("http-conn", [this, stream, id] {
      serve_connection(stream);
      streams.erase(id);
      --open_connections;
      fiber_exited();
    });
  }
}

bool HttpTransport::Impl::answer(beast::tcp_stream& stream,
                                 http::response<http::string_body>& res) {
  res.set(http::field::content_type, "application/json");
  res.prepare_payload();
  stream.expires_after(std::chrono::seconds(10));
  return !await([&](auto handler) { http::async_write(stream, res, handler); });
}

void HttpTransport::Impl::serve_connection(std::shared_ptr<beast::tcp_stream> stream) {
  beast::flat_buffer buffer;
  constexpr int kMaxRequestsPerConnection = 100000;
  for (int n = 0; n < kMaxRequestsPerConnection && !stopping; ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(io::kMaxBodyBytes);
    stream->expires_after(std::chrono::seconds(60));  // idle keep-alive limit
    const error_code ec =
        await([&](auto handler) { http::async_read(*stream, buffer, parser, handler); });
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::eof) {
      break;
    }
    if (ec) {
      const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
      http::response<http::string_body> res{
          too_big ? http::status::payload_too_large : http::status::bad_request, 11};
      res.body() = json_error(too_big ? "request too large" : "malformed request: " + ec.message());
      res.keep_alive(false);
      answer(*stream, res);
      break;
    }
    auto req = parser.release();
    io::Request request{std::string(req.method_string()), std::string(req.target()),
                        std::move(req.body())};
    io::Response response{500, json_error("internal error")};
    try {
      response = handler(request);
    } catch (const std::exception& e) {
      response = io::Response{500, json_error(std::string("handler failed: ") + e.what())};
    }
    http::response<http::string_body> res{static_cast<http::status>(response.status), 11};
    res.body() = std::move(response.body);
    res.keep_alive(req.keep_alive());
    if (!answer(*stream, res) || !req.keep_alive()) break;
  }
  error_code ignored;
  stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
}

io::Result<io::Response> HttpTransport::Impl::exchange(beast::tcp_stream& stream,
                                                       const io::Request& request,
                                                       io::Deadline deadline, bool* keep) {
  http::request<http::string_body> req{http::string_to_verb(request.method), request.path, 11};
  if (req.method() == http::verb::unknown) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "unknown method");
  }
  req.set(http::field::host, "faultline");
  req.set(http::field::content_type, "application/json");
  req.body() = request.body;
  req.keep_alive(true);
  req.prepare_payload();
  stream.expires_at(to_time_point(deadline));
  error_code ec = await([&](auto handler) { http::async_write(stream, req, handler); });
  if (ec) {
    return io::Status::indeterminate(
        ec == beast::error::timeout ? io::ErrorKind::kTimeout : io::ErrorKind::kConnectionLost,
        "writing the request: " + ec.message());
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(io::kMaxBodyBytes);
  ec = await([&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec) {
    return io::Status::indeterminate(
        ec == beast::error::timeout ? io::ErrorKind::kTimeout : io::ErrorKind::kConnectionLost,
        "reading the response: " + ec.message());
  }
  auto res = parser.release();
  *keep = res.keep_alive();
  return io::Response{static_cast<int>(res.result_int()), std::move(res.body())};
}

io::Result<io::Response> HttpTransport::call(const std::string& node, const io::Request& request,
                                             io::Deadline deadline) {
  if (request.body.size() > io::kMaxBodyBytes || request.path.size() > io::kMaxPathBytes ||
      request.path.empty() || request.path[0] != '/') {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "request too large or bad path");
  }
  auto peer = impl_->peers.find(node);
  std::string host;
  std::uint16_t port = 0;
  if (peer == impl_->peers.end() || !split_host_port(peer->second, &host, &port)) {
    return io::Status::failed(io::ErrorKind::kUnreachable, "no such node: " + node, true);
  }
  if (std::chrono::steady_clock::now() >= to_time_point(deadline)) {
    return io::Status::failed(io::ErrorKind::kTimeout, "deadline passed before sending", true);
  }
  std::unique_ptr<beast::tcp_stream> stream;
  auto& idle = impl_->idle[node];
  if (!idle.empty()) {
    stream = std::move(idle.back());
    idle.pop_back();
  } else {
    error_code parse_error;
    const auto address = boost::asio::ip::make_address(host, parse_error);
    if (parse_error) {
      return io::Status::failed(io::ErrorKind::kUnreachable, "bad address " + host, true);
    }
    stream = std::make_unique<beast::tcp_stream>(io());
    stream->expires_at(to_time_point(deadline));
    const error_code ec =
        await([&](auto handler) { stream->async_connect(tcp::endpoint(address, port), handler); });
    if (ec) {
      return io::Status::failed(io::ErrorKind::kUnreachable,
                                "connecting to " + node + ": " + ec.message(), true);
    }
  }
  bool keep = false;
  io::Result<io::Response> result = impl_->exchange(*stream, request, deadline, &keep);
  if (result.is_ok() && keep && idle.size() < kMaxIdlePerPeer) {
    stream->expires_never();
    idle.push_back(std::move(stream));
  }
  return result;
}

}  // namespace fl::real
