// ServiceNodes from ServiceInfos (nodes.h).
#include "compose/nodes.h"

#include <memory>
#include <vector>

#include "compose/host.h"
#include "system/io/assert.h"

namespace fl::compose {

std::vector<std::string> serve_flags(const ServiceInfo& info, const nlohmann::json& options) {
  std::vector<std::string> flags;
  for (const ServiceOption& o : info.options) {
    const auto it = options.find(o.spec.name);
    if (it == options.end() || *it == o.spec.default_value) continue;
    FL_ASSERT_MSG(!o.simulation_only, o.spec.name << " has no flag: it exists in simulation only");
    flags.push_back(flag_of(o.spec.name));
    flags.push_back(it->is_string() ? it->get<std::string>() : it->dump());
  }
  return flags;
}

ServiceNode service_node(const ServiceInfo& info, NodePlan plan) {
  if (plan.node.empty()) plan.node = info.node;
  for (const ServiceOption& o : info.options) {
    const auto it = plan.options.find(o.spec.name);
    const bool switched = it != plan.options.end() && *it != o.spec.default_value;
    if (o.simulation_only && switched) plan.process_form = false;
  }
  ServiceNode node;
  node.name = plan.node;
  node.sql = info.sql;
  node.cache = info.cache;
  node.events = info.events;
  if (plan.process_form) {
    node.process_args = {"serve", info.name, "--node-name", plan.node};
    for (auto& flag : serve_flags(info, plan.options)) node.process_args.push_back(flag);
    node.kafka_topics = topics_to_provision(info);
  }
  // Every incarnation's host lives until the run ends: a crashed incarnation's fibers may still
  // unwind through the objects it owned after the node has restarted.
  auto hosts = std::make_shared<std::vector<std::unique_ptr<ServiceHost>>>();
  const ServiceInfo* service = &info;
  node.main = [service, hosts, plan](io::Env& env) {
    HostOptions host;
    host.log_level = api::LogLevel::kError;
    host.log_sink = [](const std::string&) {};  // simulation: the history and trace speak
    host.max_start_attempts = kNodeStartAttempts;
    host.start_retry_ns = kNodeStartRetryNs;
    host.run_state = plan.run_state;
    hosts->push_back(std::make_unique<ServiceHost>(*service, env, plan.options, std::move(host)));
    ServiceHost& h = *hosts->back();
    const io::Status started = h.start();
    FL_ASSERT_MSG(started.is_ok(), plan.node << " (" << service->name
                                             << ") could not start: " << started.to_string());
    env.transport.serve(h.handler());
  };
  return node;
}

}  // namespace fl::compose
