// The harness system "shard" (shard.h): shard servers, the move controller node, and the router
// every client links (Topology::client_sql).
#include <memory>

#include "compose/nodes.h"
#include "compose/shard/shard.h"
#include "system/io/assert.h"
#include "system/shard/router.h"

namespace fl::compose {
namespace {

const std::vector<std::string> kBugs = {"none", "stale-routing", "cutover-before-catchup",
                                        "no-source-fence", "catchup-after-snapshot"};

std::string build(const nlohmann::json& options, Topology* topology) {
  using Kind = options::OptionSpec::Kind;
  const std::vector<options::OptionSpec> specs = {
      {"shards", Kind::kInt, 2, 1, shard::kMaxShards, {}, "shard servers shard1..shardN"},
      {"initial_shards", Kind::kInt, 0, 0, shard::kMaxShards, {}, "shards with vnodes at first"},
      {"vnodes", Kind::kInt, 64, 1, shard::kMaxVnodes, {}, "virtual nodes"},
      {"map_refresh_ms", Kind::kInt, 2000, 1, 600000, {}, "routers reload the map this often"},
      {"verify", Kind::kBool, true, 0, 0, {}, "row diff before each cutover"},
      {"bug", Kind::kString, "none", 0, 0, kBugs, "a known-bug switch"},
  };
  nlohmann::json r;
  if (std::string e = options::validate_options(specs, options, &r); !e.empty()) return e;
  const int shards = r["shards"].get<int>();
  if (r["initial_shards"].get<int>() > shards) return "initial_shards: expected at most shards";
  if (topology->stores.pg_servers < 1) {
    return "topology.pg_servers: the shard system keeps its map on pg1; expected at least 1";
  }
  topology->stores.pg_shards = shards;
  const std::string bug = r["bug"].get<std::string>();
  const ServiceInfo* info = find_service("shard-admin");
  FL_ASSERT(info != nullptr);
  nlohmann::json service_options;
  const std::string error =
      resolve_service_options(*info,
                              {{"vnodes", r["vnodes"]},
                               {"initial_shards", r["initial_shards"]},
                               {"verify", r["verify"]},
                               {"bug", bug == "stale-routing" ? "none" : bug}},
                              &service_options);
  FL_ASSERT_MSG(error.empty(), error);
  auto link = std::make_shared<ShardSessions>();
  NodePlan plan;
  plan.options = service_options;
  plan.run_state = link;
  plan.process_form = false;  // real mode has no shard servers yet
  ServiceNode node = service_node(*info, std::move(plan));
  node.shards = link;
  topology->services.push_back(std::move(node));

  shard::RouterOptions ro;
  ro.vnodes = r["vnodes"].get<int>();
  ro.initial_shards = r["initial_shards"].get<int>();
  ro.map_refresh_ns = r["map_refresh_ms"].get<std::int64_t>() * io::kNsPerMs;
  ro.bug_stale_routing = bug == "stale-routing";
  topology->client_sql =
      [ro](io::Env& env,
           const std::vector<io::SqlStore*>& shards) -> std::shared_ptr<io::SqlStore> {
    FL_ASSERT(env.sql != nullptr && !shards.empty());
    return std::make_shared<shard::Router>(env.clock, *env.sql, shards, ro);
  };
  return "";
}

}  // namespace

void register_shard_system() {
  register_system({"shard",
                   "sharding proxy: shard servers, online vnode moves, and the router the "
                   "clients link (the stores' workloads run through it)",
                   build});
}

}  // namespace fl::compose
