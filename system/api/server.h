// ApiServer: turns a Router into the io::Handler a node serves (over the simulated network or
// real HTTP alike), adding what every service needs: GET /health and GET /metrics (Prometheus
// text, with its Content-Type), a body limit (413), JSON errors for anything that goes wrong (a
// handler that throws std::exception -> 500, logged), per-request metrics by route pattern and
// status, a request id (the client's X-Request-Id when it is a plain token of at most
// kMaxRequestIdBytes, else one of ours) echoed in the response's X-Request-Id and logged, and
// one structured log line per request (debug for 2xx, warn for 4xx, error for 5xx, with the
// internal detail of a 5xx, which never reaches the client: json_body.h kDetailHeader).
// Latency comes from io::Clock, so the same code measures virtual time in simulation.
#pragma once

#include "system/api/health.h"
#include "system/api/log.h"
#include "system/api/metrics.h"
#include "system/api/router.h"

namespace fl::api {

constexpr std::size_t kMaxRequestIdBytes = 128;

class ApiServer {
 public:
  // REQUIRES: every argument outlives the server and any handler it returned.
  ApiServer(io::Clock& clock, Logger& log, Metrics& metrics, Health& health);
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  Router& router() { return router_; }
  // The handler to pass to io::Transport::serve(); valid while this server lives.
  io::Handler handler();
  io::Response handle(const io::Request& request);

 private:
  io::Clock& clock_;
  Logger& log_;
  Metrics& metrics_;
  Health& health_;
  Router router_;
  std::uint64_t requests_ = 0;  // for request ids of our own
};

}  // namespace fl::api
