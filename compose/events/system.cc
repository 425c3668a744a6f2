// The harness system "event-store" (events.h): service nodes events1..eventsN, each running the
// event-store service on its own PostgreSQL and Kafka sessions (so nemeses kill, pause, skew
// and partition them one by one), and the system's two checks: "event-store" (the store's
// invariants, the subscribers, snapshots, time travel, read models, publication) and
// "stream-linearizable" (appends and reads of each stream's version as a cas register).
#include "compose/events/events.h"
#include "compose/nodes.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using Kind = options::OptionSpec::Kind;

std::vector<options::OptionSpec> system_specs(const ServiceInfo& info) {
  std::vector<options::OptionSpec> specs = {
      {"nodes", Kind::kInt, 2, 1, kMaxEventNodes, {}, "service nodes events1..eventsN"}};
  for (const ServiceOption& o : info.options) specs.push_back(o.spec);
  return specs;
}

std::string build(const nlohmann::json& options, Topology* topology) {
  FL_ASSERT(topology != nullptr);
  const ServiceInfo* info = find_service(kEventStoreService);
  FL_ASSERT(info != nullptr);
  nlohmann::json resolved;
  if (std::string e = options::validate_options(system_specs(*info), options, &resolved);
      !e.empty()) {
    return e;
  }
  if (topology->stores.pg_servers < 1 || !topology->stores.kafka) {
    return "system \"event-store\" needs pg_servers >= 1 and kafka = true";
  }
  nlohmann::json given = resolved;
  given.erase("nodes");
  nlohmann::json service_options;
  const std::string error = resolve_service_options(*info, given, &service_options);
  FL_ASSERT_MSG(error.empty(), error);
  const int nodes = resolved.at("nodes").get<int>();
  auto lanes = std::make_shared<TimelineLog>();
  topology->timelines.push_back(lanes);
  for (int i = 1; i <= nodes; ++i) {
    NodePlan plan;
    plan.node = events_node_name(i);
    plan.options = service_options;
    plan.run_state = lanes;  // the projectors record their checkpoints' lanes (lanes.cc)
    topology->services.push_back(service_node(*info, std::move(plan)));
  }
  topology->checks.push_back({"event-store", [](const history::History& h, const std::string&) {
                                return judge_event_store(h);
                              }});
  topology->checks.push_back(
      {"stream-linearizable",
       [](const history::History& h, const std::string&) { return judge_stream_linearizable(h); }});
  return "";
}

}  // namespace

void register_events_system() {
  register_system({"event-store",
                   "the CQRS event store on nodes events1..eventsN over PostgreSQL and Kafka",
                   build});
}

}  // namespace fl::compose
