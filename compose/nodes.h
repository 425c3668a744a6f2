// Harness service nodes from declared services: the one way a composition turns a ServiceInfo
// into a ServiceNode. In simulation the node's main runs the service in a ServiceHost (host.h)
// on the node's Env and serves the host's HTTP API on the node's Transport, so simulated clients
// call exactly the API production serves; in real mode the node runs as
// `faultline serve <service> --node-name <node> [--<option> <value>]...`.
#pragma once

#include <any>
#include <nlohmann/json.hpp>
#include <string>

#include "compose/service.h"
#include "compose/topology.h"

namespace fl::compose {

// Bounds of a node's start in the harness: a store the nemeses hold down must not fail the run
// before it is healed (100 s of its time).
constexpr int kNodeStartAttempts = 1000;
constexpr std::int64_t kNodeStartRetryNs = 100 * io::kNsPerMs;

struct NodePlan {
  std::string node;                                   // "" = info.node
  nlohmann::json options = nlohmann::json::object();  // resolved service options
  // false: simulation only. Also false whenever a simulation-only option (a known-bug switch) is
  // off its default.
  bool process_form = true;
  std::any run_state;  // handed to the service (ServiceContext::run_state)
};

// The node that runs `info` as planned. A start that fails for good fails the run (an assertion
// naming the node and the status).
ServiceNode service_node(const ServiceInfo& info, NodePlan plan);

// The command-line form of resolved options for `faultline serve`: "--flag value" for each
// option that differs from its default. REQUIRES: options resolved against info.
std::vector<std::string> serve_flags(const ServiceInfo& info, const nlohmann::json& options);

}  // namespace fl::compose
