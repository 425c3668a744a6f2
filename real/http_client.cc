// HttpTransport's client side (http_rpc.h): call() over pooled keep-alive connections, with the
// seam's three outcomes.
#include "real/http_internal.h"

namespace fl::real {
namespace {

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

io::Status lost(const error_code& ec, const char* while_doing) {
  return io::Status::indeterminate(
      ec == beast::error::timeout ? io::ErrorKind::kTimeout : io::ErrorKind::kConnectionLost,
      std::string(while_doing) + ": " + ec.message());
}

}  // namespace

io::Result<io::Response> HttpTransport::Impl::exchange(beast::tcp_stream& stream,
                                                       const io::Request& request,
                                                       io::Deadline deadline, bool* keep) {
  http::request<http::string_body> req{http::string_to_verb(request.method), request.path, 11};
  if (req.method() == http::verb::unknown) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "unknown method");
  }
  req.set(http::field::host, "faultline");
  apply_fields(request.headers, &req);
  req.body() = request.body;
  req.keep_alive(true);
  req.prepare_payload();
  stream.expires_at(to_time_point(deadline));
  error_code ec = await([&](auto handler) { http::async_write(stream, req, handler); });
  if (ec) return lost(ec, "writing the request");
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(io::kMaxBodyBytes);
  if (req.method() == http::verb::head) parser.skip(true);
  ec = await([&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec) return lost(ec, "reading the response");
  auto res = parser.release();
  *keep = res.keep_alive();
  io::Response response{static_cast<int>(res.result_int()), std::move(res.body()), {}};
  copy_fields(res, &response.headers);  // fields past the limits are dropped, not fatal
  return response;
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
