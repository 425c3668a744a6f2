// The harness system "sync" (sync.h): sync1..syncN running the service "sync", each region
// pulling from every other, and devices d1..dM: simulated nodes that run the device library
// (system/sync/device_agent.h) on a local disk of their own (compose::ServiceNode::local), so the
// nemeses crash them (their edits survive on their disk), pause them, skew their clocks and cut
// them off from the servers (offline), while the workload, which always reaches them, plays
// their user. Devices are clients, not services: they have no process form, so with devices as
// nodes the system runs in simulation only; device_nodes = false leaves the devices to the
// workload (real mode).
#include <memory>

#include "compose/nodes.h"
#include "compose/sync/sync.h"
#include "system/api/router.h"
#include "system/io/assert.h"
#include "system/sync/device_agent.h"

namespace fl::compose {
namespace {

using Kind = options::OptionSpec::Kind;

constexpr std::int64_t kMaxSyncIntervalMs = 600000;

std::vector<options::OptionSpec> specs() {
  return {
      {"servers", Kind::kInt, 2, 1, kMaxSyncServers, {}, "sync server regions sync1..syncN"},
      {"devices", Kind::kInt, 4, 1, kMaxSyncDevices, {}, "devices d1..dM"},
      {"device_nodes",
       Kind::kBool,
       true,
       0,
       0,
       {},
       "devices as simulated nodes (else the "
       "workload plays them)"},
      {"sync_interval_ms",
       Kind::kInt,
       1000,
       0,
       kMaxSyncIntervalMs,
       {},
       "a device node's background sync period (0: none)"},
      {"anti_entropy_ms", Kind::kInt, 200, 1, 60000, {}, "a region's pull period per peer"},
      {"bug", Kind::kString, "none", 0, 0, sync_bug_names(), "a known-bug switch (simulation)"},
  };
}

sync::AgentOptions agent_options(int i, const nlohmann::json& o) {
  sync::AgentOptions a;
  a.device.device_id = sync_device_name(i);
  a.device.user_id = "user" + std::to_string(i);
  const std::string bug = o["bug"].get<std::string>();
  a.device.bug_wall_clock = bug == "lww-wall-clock";
  a.device.bugs.lww_no_tiebreak = bug == "lww-no-tiebreak";
  a.device.bugs.orset_remove_by_element = bug == "orset-remove-by-element";
  for (int s = 1; s <= o["servers"].get<int>(); ++s) a.servers.push_back(sync_server_name(s));
  a.sync_interval_ns = o["sync_interval_ms"].get<std::int64_t>() * io::kNsPerMs;
  return a;
}

// A device as a simulated node: its agent recovers from the node's disk at every start and
// serves the agent's API. Every incarnation lives until the run ends (a crashed one's fibers may
// still unwind through it).
ServiceNode device_node(int i, const nlohmann::json& o) {
  ServiceNode node;
  node.name = sync_device_name(i);
  node.local = true;
  const sync::AgentOptions options = agent_options(i, o);
  auto incarnations = std::make_shared<std::vector<std::shared_ptr<void>>>();
  node.main = [options, incarnations](io::Env& env) {
    auto agent = std::make_shared<sync::DeviceAgent>(env, options);
    auto router = std::make_shared<api::Router>();
    incarnations->push_back(agent);
    incarnations->push_back(router);
    const io::Status started = agent->start();
    FL_ASSERT_MSG(started.is_ok(),
                  options.device.device_id << " could not recover: " << started.to_string());
    agent->add_routes(*router);
    env.transport.serve([router](const io::Request& r) { return router->route(r).response; });
  };
  return node;
}

std::string build(const nlohmann::json& options, Topology* topology) {
  FL_ASSERT(topology != nullptr);
  nlohmann::json o;
  if (std::string e = options::validate_options(specs(), options, &o); !e.empty()) return e;
  if (topology->stores.pg_servers < 1) return "system \"sync\" needs pg_servers >= 1";
  const ServiceInfo* info = find_service("sync");
  FL_ASSERT(info != nullptr);
  const int servers = o["servers"].get<int>();
  const std::string bug = o["bug"].get<std::string>();
  for (int i = 1; i <= servers; ++i) {
    std::string peers;
    for (int j = 1; j <= servers; ++j) {
      if (j != i) peers += (peers.empty() ? "" : ",") + sync_server_name(j);
    }
    nlohmann::json given = {{"peers", peers}, {"anti_entropy_ms", o["anti_entropy_ms"]}};
    if (bug != "lww-wall-clock") given["bug"] = bug;
    NodePlan plan;
    plan.node = sync_server_name(i);
    const std::string error = resolve_service_options(*info, given, &plan.options);
    FL_ASSERT_MSG(error.empty(), error);
    topology->services.push_back(service_node(*info, std::move(plan)));
  }
  if (o["device_nodes"].get<bool>()) {
    for (int i = 1; i <= o["devices"].get<int>(); ++i) {
      topology->services.push_back(device_node(i, o));
    }
  } else if (bug != "none") {
    return "topology.system_options.bug needs device_nodes = true (known bugs are simulated)";
  }
  topology->checks.push_back(
      {"sync", [](const history::History& h, const std::string&) { return judge_sync(h); }});
  return "";
}

}  // namespace

void register_sync_system() {
  register_system({"sync",
                   "offline-first sync with CRDTs: regions sync1..syncN (service \"sync\") and "
                   "devices d1..dM that go offline, crash and skew their clocks",
                   build});
}

}  // namespace fl::compose
