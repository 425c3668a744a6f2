// The admin HTTP API (shard_api.h).
#include "system/shard/shard_api.h"

#include <charconv>

#include "system/api/request.h"
#include "system/shard/hash.h"

namespace fl::shard {
namespace {

using nlohmann::json;

io::Response post_move(MoveController& c, const api::ApiRequest& request) {
  api::RequestBody body(request);
  const json key = body.fields().value("key", false);
  const std::int64_t vnode = body.fields().integer("vnode", 0, c.options().vnodes - 1, false, -1);
  const std::int64_t to = body.fields().integer("to", 0, c.shard_count() - 1, false, -1);
  if (auto bad = body.problem()) return *bad;
  int v = static_cast<int>(vnode);
  if (key.is_number_integer()) {
    v = vnode_of({io::Value(key.get<std::int64_t>())}, c.options().vnodes);
  } else if (key.is_string() && key.get<std::string>().size() <= api::kMaxIdBytes) {
    v = vnode_of({io::Value(key.get<std::string>())}, c.options().vnodes);
  } else if (!key.is_null()) {
    return api::error_response(400, "body.key: expected an integer or a short string");
  }
  if (v < 0) return api::error_response(400, "body: expected \"vnode\" or \"key\"");
  auto started = c.start_move(v, static_cast<int>(to));  // -1: the shard after the owner
  if (!started.is_ok()) return api::error_from_status(started.status());
  return api::json_response(201, move_json(started.value()));
}

io::Response get_move(MoveController& c, const api::ApiRequest& request) {
  const std::string& text = request.params.at("id");
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id < 1) {
    return api::error_response(400, "malformed move id");
  }
  auto found = c.find_move(id);
  if (!found.is_ok()) return api::error_from_status(found.status());
  if (!found.value()) return api::error_response(404, "no move " + text);
  return api::json_response(200, move_json(*found.value()));
}

io::Response list_moves(MoveController& c) {
  auto moves = c.list_moves();
  if (!moves.is_ok()) return api::error_from_status(moves.status());
  json out = json::array();
  for (const MoveRecord& m : moves.value()) out.push_back(move_json(m));
  return api::json_response(200, {{"moves", out}});
}

io::Response get_map(MoveController& c) {
  auto map = c.map();
  if (!map.is_ok()) return api::error_from_status(map.status());
  auto moves = c.list_moves();
  if (!moves.is_ok()) return api::error_from_status(moves.status());
  json vnodes = json::array();
  for (const VnodeOwner& o : map.value().vnodes) vnodes.push_back({o.shard, o.epoch});
  json active = nullptr;
  for (const MoveRecord& m : moves.value()) {
    if (m.active()) active = move_json(m);
  }
  json per_shard = json::array();
  for (int s = 0; s < c.shard_count(); ++s) {
    per_shard.push_back({{"shard", s}, {"vnodes", map.value().owned_by(s).size()}});
  }
  return api::json_response(200, {{"shards", per_shard},
                                  {"vnode_count", map.value().vnode_count()},
                                  {"epoch", map.value().version()},
                                  {"vnodes", vnodes},
                                  {"active_move", active}});
}

}  // namespace

json move_json(const MoveRecord& m) {
  json unavailable = nullptr;
  if (m.fenced_ns > 0 && m.switched_ns > 0) {
    unavailable = static_cast<double>(m.switched_ns - m.fenced_ns) / io::kNsPerMs;
  }
  return {{"id", m.id},
          {"vnode", m.vnode},
          {"from", m.source},
          {"to", m.target},
          {"state", m.state},
          {"position", m.position},
          {"new_epoch", m.new_epoch},
          {"catchup_rounds", m.rounds},
          {"write_unavailable_ms", unavailable},
          {"note", m.note}};
}

void add_admin_routes(MoveController& c, api::Router& router) {
  router.add("POST", "/api/v1/shards/moves",
             [&c](const api::ApiRequest& r) { return post_move(c, r); });
  router.add("GET", "/api/v1/shards/moves", [&c](const api::ApiRequest&) { return list_moves(c); });
  router.add("GET", "/api/v1/shards/moves/{id}",
             [&c](const api::ApiRequest& r) { return get_move(c, r); });
  router.add("GET", "/api/v1/shards", [&c](const api::ApiRequest&) { return get_map(c); });
}

}  // namespace fl::shard
