// A service of a system, declared once and run the same way by the harness (a ServiceNode's main,
// in simulation) and by `faultline serve` (production): its names, the stores it uses, the Kafka
// topics it needs provisioned, the options production may set (flags and environment variables,
// which scenario files set as system_options), and the function that starts one incarnation of
// it on a node's Env, adding its HTTP routes (system/api) to the host's router.
//
// Compositions register their services (compose/registry.cc); the service host (host.h) runs one.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "options/spec.h"
#include "system/api/log.h"
#include "system/api/metrics.h"
#include "system/api/router.h"
#include "system/io/env.h"

namespace fl::compose {

// What the host gives a starting service.
struct ServiceContext {
  io::Env& env;            // the node's Env, with the stores the service declared
  api::Router& router;     // add the service's routes here (/health and /metrics are the host's)
  api::Metrics& metrics;   // add gauges and counters here
  api::Logger& log;        // the service's structured log
  nlohmann::json options;  // resolved options (ServiceInfo::options, defaults filled)
  std::any run_state;      // the composition's per-run object in the harness; empty in serve
};

// Starts one incarnation: init (tables, topics), recovery, background fibers, routes. Returns the
// owner of the service's objects, which the host keeps for the incarnation's lifetime, or a
// non-ok status: the host retries (bounded) while it is retryable or kUnavailable /
// kConnectionLost / kTimeout (a store still starting), and gives up on anything else.
using StartService = std::function<io::Result<std::shared_ptr<void>>(ServiceContext& context)>;

// An option of a service. Scenario files set it as a system option; `faultline serve` takes it as
// flag --<name with '-' for '_'> or environment variable `env`, unless it exists in simulation
// only (a known-bug switch: a node with one on has no process form, so it never runs in real
// mode, and production cannot turn it on).
struct ServiceOption {
  options::OptionSpec spec;
  std::string env;               // "" = flag only
  bool simulation_only = false;  // not a flag of `faultline serve`
};

struct ServiceInfo {
  std::string name;         // `faultline serve <name>`, and the service name in logs: "saga"
  std::string node;         // the harness' node name: "orchestrator"
  std::string system;       // the system it belongs to: "saga"
  std::string description;  // one line
  int default_port = 0;     // production's default port (the seeds'); 0: none (ephemeral)
  bool sql = false, cache = false, events = false;  // the stores it uses
  std::string health_table;                         // the table /health reads when sql
  std::vector<std::pair<std::string, int>> topics;  // Kafka topics it uses, with partitions
  std::vector<ServiceOption> options;
  StartService start;
};

constexpr std::size_t kMaxServices = 64;
constexpr int kSeedPortBase = 8080;  // the seeds' first port: --port-base shifts every default

void register_service(ServiceInfo info);
const ServiceInfo* find_service(const std::string& name);
// Every registered service, in registration order.
std::vector<const ServiceInfo*> all_services();
// The services of `system`, in registration order (empty when there is no such system).
std::vector<const ServiceInfo*> services_of(const std::string& system);

// Resolves `given` against the service's options (defaults filled). "" or the problem.
std::string resolve_service_options(const ServiceInfo& info, const nlohmann::json& given,
                                    nlohmann::json* resolved);
// "--step-timeout-ms" for "step_timeout_ms".
std::string flag_of(const std::string& option_name);

}  // namespace fl::compose
