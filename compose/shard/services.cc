// The move controller as a ServiceInfo (compose/service.h): "shard-admin", the admin HTTP API of
// the shard proxy over the metadata database and every shard. Simulation only for now (the
// real runtime has no shard servers yet; docs/shard.md, "What is missing").
#include <memory>

#include "compose/service.h"
#include "compose/shard/shard.h"
#include "compose/topology.h"
#include "system/io/assert.h"
#include "system/shard/shard_api.h"

namespace fl::compose {
namespace {

struct AdminState {
  std::vector<io::SqlStore*> shards;
  std::unique_ptr<shard::MoveController> controller;
};

io::Result<std::shared_ptr<void>> start_shard_admin(ServiceContext& c) {
  const auto* link = std::any_cast<std::shared_ptr<ShardSessions>>(&c.run_state);
  if (link == nullptr || *link == nullptr || (*link)->stores.empty()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "shard-admin needs shard servers (simulation only so far)");
  }
  shard::MoveOptions o;
  o.vnodes = c.options.at("vnodes").get<int>();
  o.initial_shards = c.options.at("initial_shards").get<int>();
  o.verify = c.options.at("verify").get<bool>();
  const std::string bug = c.options.at("bug").get<std::string>();
  o.bug_cutover_before_catchup = bug == "cutover-before-catchup";
  o.bug_no_source_fence = bug == "no-source-fence";
  o.bug_catchup_after_snapshot = bug == "catchup-after-snapshot";
  if (o.initial_shards > static_cast<int>((*link)->stores.size())) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "initial_shards > shards");
  }
  auto state = std::make_shared<AdminState>();
  state->shards = (*link)->stores;
  state->controller = std::make_unique<shard::MoveController>(c.env, *c.env.sql, state->shards, o);
  if (io::Status s = state->controller->init(); !s.is_ok()) return s;
  state->controller->start();
  shard::add_admin_routes(*state->controller, c.router);
  return std::shared_ptr<void>(state);
}

}  // namespace

void register_shard_service() {
  using Kind = options::OptionSpec::Kind;
  ServiceInfo info;
  info.name = "shard-admin";
  info.node = kShardAdminNode;
  info.system = "shard";
  info.description = "shard proxy admin: online vnode moves, POST/GET /api/v1/shards/moves";
  info.sql = true;
  info.health_table = "shard_map";
  info.options = {
      {{"vnodes", Kind::kInt, 64, 1, 256, {}, "virtual nodes (fixed slots of the hash)"},
       "SHARD_VNODES"},
      {{"initial_shards", Kind::kInt, 0, 0, 8, {}, "shards holding vnodes at first; 0: all"},
       "SHARD_INITIAL_SHARDS"},
      {{"verify", Kind::kBool, true, 0, 0, {}, "row diff of the vnode before each cutover"},
       "SHARD_VERIFY"},
      {{"bug",
        Kind::kString,
        "none",
        0,
        0,
        {"none", "cutover-before-catchup", "no-source-fence", "catchup-after-snapshot"},
        "a known-bug switch of the move controller"},
       "",
       /*simulation_only=*/true},
  };
  info.start = start_shard_admin;
  register_service(std::move(info));
}

void register_shard() {
  register_shard_service();
  register_shard_system();
  register_shard_workload();
}

}  // namespace fl::compose
