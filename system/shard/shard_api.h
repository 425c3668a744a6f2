// The shard proxy's admin HTTP API over a MoveController (docs/shard.md):
//   POST /api/v1/shards/moves       {"vnode": v, "to": s} or {"key": k, "to": s} (k: the shard
//                                   key, an integer or a string; without "to": the shard after
//                                   the vnode's owner) -> 201 the move; 409 while
//                                   another move is active; 400 a bad vnode, key or target
//   GET  /api/v1/shards/moves       the latest moves, newest first
//   GET  /api/v1/shards/moves/{id}  one move: state, position, epochs, write_unavailable_ms
//   GET  /api/v1/shards             the map: shards, vnodes, epoch, each vnode's shard and epoch,
//                                   the active move
#pragma once

#include <nlohmann/json.hpp>

#include "system/api/router.h"
#include "system/shard/mover.h"

namespace fl::shard {

nlohmann::json move_json(const MoveRecord& move);
void add_admin_routes(MoveController& controller, api::Router& router);

}  // namespace fl::shard
