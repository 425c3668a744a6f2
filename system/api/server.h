// ApiServer: turns a Router into the io::Handler a node serves (over the simulated network or
// real HTTP alike), adding what every service needs: GET /health and GET /metrics, a body limit
// (413), JSON errors for anything that goes wrong (a handler that throws std::exception -> 500,
// logged), per-request metrics by route pattern and status, and one structured log line per
// request (debug for 2xx, warn for 4xx, error for 5xx).
// Latency comes from io::Clock, so the same code measures virtual time in simulation.
#pragma once

#include "system/api/health.h"
#include "system/api/log.h"
#include "system/api/metrics.h"
#include "system/api/router.h"

namespace fl::api {

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
};

}  // namespace fl::api
