// The harness system "saga" (saga.h): the four saga services as service nodes named
// orchestrator, inventory, payment and notification, each with its own PostgreSQL, Redis and
// Kafka sessions, so that nemeses kill, pause, partition and skew them like any node. Clients
// reach the orchestrator at node "orchestrator" through the seeds' HTTP API (POST /api/v1/sagas),
// which the node serves through the same ServiceHost as `faultline serve`.
#include "compose/nodes.h"
#include "compose/saga/saga.h"
#include "compose/service.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using Kind = options::OptionSpec::Kind;

// The system's options: the union of its services' options (a known-bug name picks its service).
std::vector<options::OptionSpec> system_specs() {
  std::vector<options::OptionSpec> specs;
  std::vector<std::string> bugs = {"none"};
  for (const ServiceInfo* s : services_of("saga")) {
    for (const ServiceOption& o : s->options) {
      if (o.spec.name != "bug") {
        specs.push_back(o.spec);
        continue;
      }
      for (const auto& c : o.spec.choices) {
        if (c != "none") bugs.push_back(c);
      }
    }
  }
  specs.push_back({"bug", Kind::kString, "none", 0, 0, bugs, "a known-bug switch (simulation)"});
  return specs;
}

// The options of one service: the system options it declares; "bug" only if it names one of its.
nlohmann::json options_for(const ServiceInfo& s, const nlohmann::json& system) {
  nlohmann::json given = nlohmann::json::object();
  for (const ServiceOption& o : s.options) {
    const nlohmann::json& v = system.at(o.spec.name);
    const bool mine =
        o.spec.name != "bug" || std::find(o.spec.choices.begin(), o.spec.choices.end(),
                                          v.get<std::string>()) != o.spec.choices.end();
    if (mine) given[o.spec.name] = v;
  }
  nlohmann::json resolved;
  const std::string error = resolve_service_options(s, given, &resolved);
  FL_ASSERT_MSG(error.empty(), error);
  return resolved;
}

std::string build(const nlohmann::json& options, Topology* topology) {
  FL_ASSERT(topology != nullptr);
  nlohmann::json resolved;
  if (std::string e = options::validate_options(system_specs(), options, &resolved); !e.empty()) {
    return e;
  }
  const StoreTopology& st = topology->stores;
  if (st.pg_servers < 1 || !st.redis || !st.kafka) {
    return "system \"saga\" needs pg_servers >= 1, redis = true and kafka = true";
  }
  auto lanes = std::make_shared<TimelineLog>();
  topology->timelines.push_back(lanes);
  for (const ServiceInfo* s : services_of("saga")) {
    NodePlan plan;
    plan.options = options_for(*s, resolved);
    plan.run_state = lanes;  // the orchestrator records its sagas' lanes (lanes.cc)
    topology->services.push_back(service_node(*s, std::move(plan)));
  }
  return "";
}

}  // namespace

void register_saga_system() {
  register_system({"saga",
                   "order sagas: orchestrator, inventory, payment and notification as service "
                   "nodes serving the seeds' HTTP APIs",
                   build});
}

}  // namespace fl::compose
