// The shard composition (docs/shard.md): the shard servers "shard1".."shardN" (independent
// simulated PostgreSQL servers), the metadata database "pg1" (the map and the moves), the move
// controller service "shard-admin" with its admin API, and the router (system/shard/router.h)
// that every client process links, so that the stores' workloads (register, cas-register, set,
// ...) run unchanged through it. Its workload "shard-moves" starts moves through the admin API
// while the other workloads run.
//
// System options: shards [2] (1..8); initial_shards [0: all] (shards holding vnodes at first:
// the rest start empty and receive vnodes by moves, as adding a shard does); vnodes [64];
// map_refresh_ms [2000]; bug ["none"] | "stale-routing" | "cutover-before-catchup" |
// "no-source-fence" | "catchup-after-snapshot" (simulation only; docs/known-bugs.md).
#pragma once

#include <string>

namespace fl::compose {

inline constexpr const char* kShardAdminNode = "shard-admin";

void register_shard();

// Defined in services.cc, system.cc, workload.cc; called by register_shard() only.
void register_shard_service();
void register_shard_system();
void register_shard_workload();

}  // namespace fl::compose
