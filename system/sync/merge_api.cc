// POST /api/v1/crdt/merge (sync_api.h): the join of two states, stateless. The seeds' example:
//   {"crdt_type": "LWWRegister",
//    "local_state":  {"value": "Hello from Device 1", "timestamp": "2024-01-01T10:00:00Z",
//                     "node_id": "device1"},
//    "remote_state": {"value": "Hello from Device 2", "timestamp": "2024-01-01T11:00:00Z",
//                     "node_id": "device2"}}
//   -> {"value": "Hello from Device 2", "timestamp": "2024-01-01T11:00:00Z"}
// The seeds' timestamps are HLC physical parts: an optional "logical" field orders writes within
// one millisecond, and node_id breaks exact ties, so the answer never depends on argument order.
#include "system/api/request.h"
#include "system/sync/sync_api.h"

namespace fl::api {
namespace {

using sync::CrdtState;
using sync::CrdtType;

constexpr std::size_t kMaxTimestampBytes = 40;

// The seeds' LWW shape as a register state of its own (the writer's dot is its only update).
std::optional<CrdtState> seed_lww(const Json& j, const std::string& where, std::string* error) {
  if (!j.is_object()) {
    *error = where + " must be an object";
    return std::nullopt;
  }
  FieldReader r(j, where);
  sync::LwwEntry e;
  e.value = r.value("value");
  const std::string ts = r.text("timestamp", kMaxTimestampBytes);
  e.node = r.text("node_id", sync::kMaxActorBytes);
  e.hlc.logical = r.integer("logical", 0, sync::kMaxLogical, false, 0);
  r.no_other_fields();
  if (!r.ok()) {
    *error = r.error();
    return std::nullopt;
  }
  if (!sync::valid_actor(e.node)) {
    *error = where + ".node_id must match [A-Za-z0-9_.:@-]+";
    return std::nullopt;
  }
  if (!sync::parse_timestamp(ts, &e.hlc.physical_ms, error)) {
    *error = where + ": " + *error;
    return std::nullopt;
  }
  if (e.value.dump(-1, ' ', false, Json::error_handler_t::replace).size() > sync::kMaxValueBytes) {
    *error = where + ".value is larger than " + std::to_string(sync::kMaxValueBytes) + " bytes";
    return std::nullopt;
  }
  CrdtState s = sync::empty_state(CrdtType::kLwwRegister);
  e.dot = s.context.next(e.node);
  s.context.advance(e.dot);
  std::get<sync::LwwRegisterState>(s.payload).entry = std::move(e);
  return s;
}

std::optional<CrdtState> any_state(CrdtType type, const Json& j, const std::string& where,
                                   std::string* error) {
  const bool canonical = j.is_object() && j.contains("vv");
  if (!canonical && type == CrdtType::kLwwRegister) return seed_lww(j, where, error);
  if (!canonical) {
    *error = where +
             " must be a CRDT state {type, vv, state} (the seeds' {value, timestamp, "
             "node_id} shape is LWWRegister's)";
    return std::nullopt;
  }
  auto s = sync::state_from_json(j, error);
  if (!s) {
    *error = where + ": " + *error;
    return std::nullopt;
  }
  if (s->type != type) {
    *error = where + " is a " + sync::type_name(s->type) + ", not a " + sync::type_name(type);
    return std::nullopt;
  }
  return s;
}

}  // namespace

io::Response crdt_merge(const ApiRequest& req, const sync::CrdtBugs& bugs) {
  RequestBody body(req);
  const std::string type_text = body.fields().text("crdt_type", 64);
  const Json local = body.fields().value("local_state");
  const Json remote = body.fields().value("remote_state");
  if (auto bad = body.problem()) return *bad;
  const auto type = sync::parse_crdt_type(type_text);
  if (!type) {
    return error_response(
        400, "unknown crdt_type '" + type_text + "' (known: " + sync::crdt_type_names() + ")");
  }
  std::string error;
  auto a = any_state(*type, local, "local_state", &error);
  auto b = a ? any_state(*type, remote, "remote_state", &error) : std::nullopt;
  if (!a || !b) return error_response(400, error);
  const CrdtState joined = sync::merge(*a, *b, bugs);
  if (std::string e = sync::check_limits(joined); !e.empty()) return error_response(400, e);
  const bool seeds_shape = *type == CrdtType::kLwwRegister && !local.contains("vv");
  if (seeds_shape) {
    const auto& entry = *std::get<sync::LwwRegisterState>(joined.payload).entry;
    Json out = {{"value", entry.value},
                {"timestamp", sync::format_timestamp(entry.hlc.physical_ms)}};
    if (entry.hlc.logical != 0) out["logical"] = entry.hlc.logical;
    return json_response(200, out);
  }
  return json_response(200, Json{{"crdt_type", sync::type_name(joined.type)},
                                 {"value", sync::value_of(joined)},
                                 {"version_vector", sync::vv_json(joined.context)},
                                 {"state", sync::to_json(joined)}});
}

}  // namespace fl::api
