#include "system/api/server.h"

#include <exception>

#include "system/io/assert.h"

namespace fl::api {

ApiServer::ApiServer(io::Clock& clock, Logger& log, Metrics& metrics, Health& health)
    : clock_(clock), log_(log), metrics_(metrics), health_(health) {
  router_.add("GET", "/health", [this](const ApiRequest&) { return health_.check(); });
  router_.add("GET", "/health/live", [this](const ApiRequest&) { return health_.live(); });
  router_.add("GET", "/health/ready", [this](const ApiRequest&) { return health_.ready(); });
  router_.add("GET", "/metrics", [this](const ApiRequest&) {
    io::Response r{200, metrics_.render(), {}};
    r.headers.set("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
  });
}

io::Handler ApiServer::handler() {
  return [this](const io::Request& request) { return handle(request); };
}

namespace {

bool plain_token(const std::string& id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

io::Response ApiServer::handle(const io::Request& request) {
  const std::int64_t start_ns = clock_.monotonic_ns();
  const std::string* given_id = request.headers.get("x-request-id");
  const std::string request_id = given_id != nullptr && plain_token(*given_id)
                                     ? *given_id
                                     : log_.service() + "-" + std::to_string(++requests_);
  Routed routed{"unmatched", {}};
  if (request.body.size() > kMaxApiBodyBytes) {
    routed.response = error_response(
        413, "request body larger than " + std::to_string(kMaxApiBodyBytes) + " bytes");
  } else if (request.path.size() > io::kMaxPathBytes) {
    routed.response = error_response(414, "request path too long");
  } else {
    try {
      routed = router_.route(request);
    } catch (const std::exception& e) {
      log_.error("handler failed", {{"method", request.method.substr(0, kMaxMethodBytes)},
                                    {"path", request.path.substr(0, kMaxQuotedBytes)},
                                    {"request_id", request_id},
                                    {"error", e.what()}});
      routed.response = error_response(500, "internal error");
    }
  }
  const int status = routed.response.status;
  FL_ASSERT(status >= 100 && status <= 599);
  std::string detail;
  if (const std::string* d = routed.response.headers.get(kDetailHeader)) detail = *d;
  routed.response.headers.erase(kDetailHeader);
  routed.response.headers.set("x-request-id", request_id);
  const std::int64_t latency_ns = clock_.monotonic_ns() - start_ns;
  const std::string method =
      request.method.size() <= kMaxMethodBytes ? request.method : std::string("invalid");
  metrics_.observe_request(routed.label, method, status, latency_ns);
  const LogLevel level = status >= 500   ? LogLevel::kError
                         : status >= 400 ? LogLevel::kWarn
                                         : LogLevel::kDebug;
  if (log_.enabled(level)) {
    Json fields{{"method", request.method.substr(0, kMaxMethodBytes)},
                {"path", request.path.substr(0, kMaxQuotedBytes)},
                {"route", routed.label},
                {"status", status},
                {"request_id", request_id},
                {"latency_ms", static_cast<double>(latency_ns) / 1e6}};
    if (status >= 400) fields["error_body"] = routed.response.body.substr(0, 512);
    if (!detail.empty()) fields["detail"] = detail;
    log_.log(level, "request", fields);
  }
  return routed.response;
}

}  // namespace fl::api
