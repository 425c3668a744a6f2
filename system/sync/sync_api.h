// The sync server's HTTP API (port 8091 in the seeds), on SyncServer (sync_server.h):
//
//   POST /api/v1/sync/register-device  {"device_id", "user_id"} -> 201 (200 when it was already,
//                                      409 when registered to another user)
//   POST /api/v1/sync/upload           {"device_id", "seq"?, "changes": [{"entity_id",
//                                      "crdt_type", "operations": [{"type", "value", "key"?,
//                                      "timestamp"?}]} | {"entity_id", "crdt_type", "state"}]}
//                                      -> 200 {"device_id", "region", "seq", "replayed",
//                                      "changes": [{"entity_id", "crdt_type", "value",
//                                      "version_vector", "changed"}]}; 404 unknown device; 409 a
//                                      stale seq or an entity of another type
//   GET  /api/v1/sync/download         ?device_id=&since=<cursor, 0>&limit=<1..1000, 100>
//                                      -> 200 page (sync_wire.h); 404 unknown device
//   POST /api/v1/crdt/merge            {"crdt_type", "local_state", "remote_state"} -> the join.
//                                      LWWRegister states may take the seeds' shape {"value",
//                                      "timestamp", "node_id"} (answered {"value", "timestamp"},
//                                      the later (timestamp, node_id) winning); any type takes
//                                      canonical states {type, vv, state} (answered {"crdt_type",
//                                      "value", "version_vector", "state"})
//   GET  /api/v1/sync/replicate        ?since=&limit= -> 200 page: what peer regions pull
//   GET  /api/v1/sync/digest           -> 200 {"region", "entities", "hash", "last_seq"}
//   GET  /api/v1/sync/entities         ?after=<entity id>&limit= -> 200 {"entities": [change],
//                                      "next": id | null}
//   GET  /api/v1/sync/entities/{id}    -> 200 change | 404
// Bodies are validated whole (ids, types, every operation) before anything is applied: a
// refused request changes nothing. Metrics: uploads, merges and anti-entropy pulls since start.
#pragma once

#include "system/api/log.h"
#include "system/api/metrics.h"
#include "system/api/router.h"
#include "system/sync/sync_server.h"

namespace fl::api {

void add_sync_routes(Router& router, sync::SyncServer& server, Logger& log);
void add_sync_metrics(Metrics& metrics, sync::SyncServer& server);

// POST /api/v1/crdt/merge's handler alone (stateless), with the server's CRDT switches.
io::Response crdt_merge(const ApiRequest& request, const sync::CrdtBugs& bugs);

}  // namespace fl::api
