#include "system/api/server.h"

#include <exception>

#include "system/io/assert.h"

namespace fl::api {

ApiServer::ApiServer(io::Clock& clock, Logger& log, Metrics& metrics, Health& health)
    : clock_(clock), log_(log), metrics_(metrics), health_(health) {
  router_.add("GET", "/health", [this](const ApiRequest&) { return health_.check(); });
  router_.add("GET", "/metrics", [this](const ApiRequest&) {
    // Prometheus text, not JSON: the transport sets no content type of its own here.
    return io::Response{200, metrics_.render()};
  });
}

io::Handler ApiServer::handler() {
  return [this](const io::Request& request) { return handle(request); };
}

io::Response ApiServer::handle(const io::Request& request) {
  const std::int64_t start_ns = clock_.monotonic_ns();
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
      log_.error(
          "handler failed",
          {{"method", request.method}, {"path", request.path.substr(0, 256)}, {"error", e.what()}});
      routed.response = error_response(500, std::string("internal error: ") + e.what());
    }
  }
  const int status = routed.response.status;
  FL_ASSERT(status >= 100 && status <= 599);
  const std::int64_t latency_ns = clock_.monotonic_ns() - start_ns;
  metrics_.observe_request(routed.label, request.method, status, latency_ns);
  const LogLevel level = status >= 500   ? LogLevel::kError
                         : status >= 400 ? LogLevel::kWarn
                                         : LogLevel::kDebug;
  if (log_.enabled(level)) {
    Json fields{{"method", request.method},
                {"path", request.path.substr(0, 256)},
                {"route", routed.label},
                {"status", status},
                {"latency_ms", static_cast<double>(latency_ns) / 1e6}};
    if (status >= 400) fields["error_body"] = routed.response.body.substr(0, 512);
    log_.log(level, "request", fields);
  }
  return routed.response;
}

}  // namespace fl::api
