// ServiceHost: one incarnation of one service on a node's Env, assembled the one way both the
// harness (in simulation, inside a ServiceNode's main) and `faultline serve` (production, on a
// real node) assemble it: the HTTP API of system/api (the service's routes, GET /health with a
// probe per store the service uses, GET /metrics, a log line per request), and a bounded start
// that retries while the service's stores are unreachable (a database still starting or
// restarting), so that a port that answers belongs to a recovered service.
//
// Lifetime: the host owns the service's objects and the API; the handler it returns is valid
// while the host lives, and the host must live as long as the incarnation's fibers.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "compose/service.h"
#include "system/api/health.h"
#include "system/api/log.h"
#include "system/api/metrics.h"
#include "system/api/server.h"

namespace fl::compose {

// The Kafka topic the /health probe of a service that uses Kafka produces to.
inline constexpr const char* kHealthTopic = "faultline.health";

struct HostOptions {
  api::LogLevel log_level = api::LogLevel::kInfo;
  api::Logger::Sink log_sink;  // required
  int max_start_attempts = 300;
  std::int64_t start_retry_ns = 200 * io::kNsPerMs;
  std::any run_state;  // passed to the service (ServiceContext::run_state)
};

class ServiceHost {
 public:
  // REQUIRES: env has the stores `info` declares and outlives the host; options resolved
  // (resolve_service_options) or empty for the defaults.
  ServiceHost(const ServiceInfo& info, io::Env& env, nlohmann::json options, HostOptions host);
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Starts the service (see StartService), retrying up to max_start_attempts times,
  // start_retry_ns apart, while the failure is one a restarting store explains. Returns the last
  // status. REQUIRES: called once, from a fiber of the node.
  io::Status start();
  // The API's handler, for io::Transport::serve(). REQUIRES: start() returned ok.
  io::Handler handler();
  // Stopping: from now on GET /health/ready answers 503 ("draining"), so that a load balancer
  // takes the instance out before its listener closes; liveness and requests are unaffected.
  void begin_drain() { draining_ = true; }
  api::Logger& log() { return log_; }
  api::Metrics& metrics() { return metrics_; }
  const ServiceInfo& info() const { return info_; }

 private:
  io::Status start_once();

  const ServiceInfo& info_;
  io::Env& env_;
  nlohmann::json options_;
  HostOptions host_;
  api::Logger log_;
  api::Metrics metrics_;
  api::Health health_;
  std::unique_ptr<api::ApiServer> server_;
  std::shared_ptr<void> service_;
  bool started_ = false;
  bool draining_ = false;
};

// The topics a service needs provisioned before it starts (its own and kHealthTopic when it uses
// Kafka), as real mode and `--kafka-topics provisioned` create them.
std::vector<std::pair<std::string, int>> topics_to_provision(const ServiceInfo& info);

}  // namespace fl::compose
