// HttpTransport (http_rpc.h): setup, teardown and the helpers its files share.
#include "real/http_rpc.h"

#include <cstdio>

#include "real/http_internal.h"

namespace fl::real {

std::string json_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

std::string json_error(const std::string& message) {
  return "{\"error\":" + json_quoted(message) + "}";
}

void log_transport(const char* level, const std::string& msg, const std::string& detail) {
  std::fprintf(stderr, "{\"level\":\"%s\",\"service\":\"http\",\"msg\":\"%s\",\"detail\":%s}\n",
               level, msg.c_str(), json_quoted(detail).c_str());
  std::fflush(stderr);
}

bool transport_field(beast::string_view name) {
  static const char* const kOwn[] = {
      "host", "content-length", "connection", "transfer-encoding", "keep-alive",
      "te",   "trailer",        "upgrade",    "proxy-connection"};
  for (const char* own : kOwn) {
    if (beast::iequals(name, own)) return true;
  }
  return false;
}

HttpTransport::HttpTransport(io::Tasks* tasks, std::map<std::string, std::string> peers,
                             std::uint16_t listen_port, HttpLimits limits)
    : impl_(std::make_unique<Impl>()) {
  FL_ASSERT(tasks != nullptr);
  FL_ASSERT(limits.max_connections >= 1 && limits.idle_timeout.count() > 0);
  impl_->limits = limits;
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

HttpStats HttpTransport::stats() const {
  HttpStats s = impl_->stats;
  s.open = impl_->connections.size();
  return s;
}

void HttpTransport::stop() {
  impl_->stopping = true;
  error_code ignored;
  if (impl_->acceptor) impl_->acceptor->close(ignored);
  // Idle connections close now; one handling a request writes its answer (with Connection:
  // close) and then ends (serve_connection checks `stopping`), so no request in flight is cut.
  for (auto& [id, c] : impl_->connections) {
    if (!c.idle) continue;
    if (auto stream = c.stream.lock()) stream->socket().close(ignored);
  }
  impl_->idle.clear();
}

void HttpTransport::serve(io::Handler handler) {
  FL_ASSERT(handler != nullptr);
  impl_->handler = std::move(handler);
  if (impl_->acceptor) return;
  auto acceptor = std::make_unique<tcp::acceptor>(io());
  const tcp::endpoint endpoint(boost::asio::ip::make_address(impl_->limits.listen_address),
                               impl_->listen_port);
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

}  // namespace fl::real
