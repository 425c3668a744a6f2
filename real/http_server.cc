// HttpTransport's server side (http_rpc.h): the accept loop with its limits, and one fiber per
// connection serving requests until the peer closes, the idle timeout, or stop().
#include <boost/asio/steady_timer.hpp>

#include "real/http_internal.h"

namespace fl::real {
namespace {

using Clock = std::chrono::steady_clock;

// Logs the first and every kLogEvery-th occurrence of a counted event.
void log_counted(std::uint64_t count, const char* msg, const std::string& detail) {
  if (count == 1 || count % HttpTransport::kLogEvery == 0) {
    log_transport("warn", msg, detail + " (" + std::to_string(count) + " so far)");
  }
}

void sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer timer(io(), d);
  await([&](auto handler) { timer.async_wait(handler); });
}

bool out_of_descriptors(const error_code& ec) {
  return ec == boost::asio::error::no_descriptors || ec.value() == ENFILE ||
         ec == boost::asio::error::no_buffer_space || ec == boost::asio::error::no_memory;
}

// Writes `res` (its payload prepared); for HEAD, the header alone with the body's length.
bool write_response(beast::tcp_stream& stream, http::response<http::string_body>& res, bool head) {
  res.prepare_payload();
  stream.expires_after(std::chrono::seconds(10));
  if (!head) return !await([&](auto h) { http::async_write(stream, res, h); });
  http::response_serializer<http::string_body> serializer(res);
  return !await([&](auto h) { http::async_write_header(stream, serializer, h); });
}

// Answers a request that never reached the handler (malformed, too large) and closes.
void refuse(beast::tcp_stream& stream, http::status status, const std::string& message) {
  http::response<http::string_body> res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = json_error(message);
  res.keep_alive(false);
  write_response(stream, res, false);
}

}  // namespace

bool HttpTransport::Impl::evict_oldest_idle() {
  error_code ignored;
  for (auto& [id, c] : connections) {  // ids grow with age: the first idle one waited longest
    auto stream = c.stream.lock();
    if (!c.idle || c.evicted || stream == nullptr) continue;
    c.evicted = true;  // closing: not a candidate again, and not counted against the limit
    stream->socket().close(ignored);
    ++evicting;
    log_counted(++stats.evicted_idle, "idle connection closed to make room", "");
    return true;
  }
  return false;
}

// Takes a freshly accepted socket into service (true), or refuses it with 503 (false).
bool HttpTransport::Impl::admit(tcp::socket& socket) {
  if (connections.size() - evicting < limits.max_connections || evict_oldest_idle()) return true;
  log_counted(++stats.refused_overload, "overloaded: new connection refused with 503",
              std::to_string(connections.size()) + " connections busy");
  beast::tcp_stream stream(std::move(socket));
  refuse(stream, http::status::service_unavailable, "overloaded: retry later");
  return false;
}

void HttpTransport::Impl::accept_loop() {
  auto backoff = std::chrono::milliseconds(10);
  while (!stopping) {
    tcp::socket socket(io());
    const error_code ec = await([&](auto handler) { acceptor->async_accept(socket, handler); });
    if (stopping) break;
    if (ec) {
      log_counted(++stats.accept_errors, "accept failed", ec.message());
      // Out of descriptors: closing the connection idle longest frees one, and the backlog
      // (where a health probe may wait behind a flood) is worked through at once; only when
      // nothing can be freed does the loop back off.
      if (out_of_descriptors(ec) && evict_oldest_idle()) continue;
      sleep_for(backoff);
      backoff = std::min(backoff * 2, kMaxAcceptBackoff);
      continue;
    }
    backoff = std::chrono::milliseconds(10);
    ++stats.accepted;
    if (!admit(socket)) continue;
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    const std::uint64_t id = next_connection++;
    connections[id] = Connection{stream, true, Clock::now(), false};
    ++live_fibers;
    tasks->spawn("http-conn", [this, stream, id] {
      serve_connection(stream, id);
      if (connections.at(id).evicted) {
        FL_ASSERT(evicting > 0);
        --evicting;
      }
      connections.erase(id);
      fiber_exited();
    });
  }
}

void HttpTransport::Impl::serve_connection(std::shared_ptr<beast::tcp_stream> stream,
                                           std::uint64_t id) {
  beast::flat_buffer buffer;
  constexpr int kMaxRequestsPerConnection = 100000;
  for (int n = 0; n < kMaxRequestsPerConnection && !stopping; ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(io::kMaxBodyBytes);
    connections[id].idle = true;
    connections[id].idle_since = Clock::now();
    stream->expires_after(limits.idle_timeout);
    const error_code ec =
        await([&](auto handler) { http::async_read(*stream, buffer, parser, handler); });
    connections[id].idle = false;
    if (ec == beast::error::timeout) ++stats.idle_timeouts;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::eof ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::bad_descriptor) {
      break;
    }
    if (ec) {
      const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
      refuse(*stream, too_big ? http::status::payload_too_large : http::status::bad_request,
             too_big ? "request too large" : "malformed request: " + ec.message());
      break;
    }
    auto req = parser.release();
    io::Request request{
        std::string(req.method_string()), std::string(req.target()), std::move(req.body()), {}};
    if (!copy_fields(req, &request.headers)) {
      ++stats.header_refusals;
      refuse(
          *stream, http::status::request_header_fields_too_large,
          "too many or too long header fields (at most " + std::to_string(io::kMaxHeaders) + ")");
      break;
    }
    io::Response response{500, json_error("internal error"), {}};
    try {
      response = handler(request);
    } catch (const std::exception& e) {
      response = io::Response{500, json_error(std::string("handler failed: ") + e.what()), {}};
    }
    http::response<http::string_body> res{static_cast<http::status>(response.status), 11};
    apply_fields(response.headers, &res);
    res.body() = std::move(response.body);
    res.keep_alive(req.keep_alive() && !stopping);
    if (!write_response(*stream, res, req.method() == http::verb::head) || !req.keep_alive()) {
      break;
    }
  }
  error_code ignored;
  stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace fl::real
