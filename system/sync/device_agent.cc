// The device agent (device_agent.h).
#include "system/sync/device_agent.h"

#include "system/api/request.h"
#include "system/io/assert.h"

namespace fl::sync {
namespace {

Json edit_json(const EditResult& e) {
  Json observed = Json::array();
  for (const Dot& d : e.applied.observed) observed.push_back(dot_json(d));
  return {{"entity_id", e.entity_id},
          {"crdt_type", type_name(e.state.type)},
          {"dot", dot_json(e.applied.dot)},
          {"observed", observed},
          {"version_vector", vv_json(e.state.context)},
          {"hlc", hlc_json(e.hlc)},
          {"value", value_of(e.state)}};
}

}  // namespace

DeviceAgent::DeviceAgent(io::Env& env, AgentOptions options)
    : env_(env), options_(std::move(options)), device_(env, *env.local, options_.device) {
  FL_ASSERT(env.local != nullptr);
  FL_ASSERT(!options_.servers.empty() && options_.servers.size() <= kMaxServers);
  FL_ASSERT(options_.sync_interval_ns >= 0);
}

io::Status DeviceAgent::start() {
  if (io::Status s = device_.recover(); !s.is_ok()) return s;
  if (options_.sync_interval_ns > 0) env_.tasks.spawn("background sync", [this] { background(); });
  return io::Status::ok();
}

void DeviceAgent::add_routes(api::Router& router) {
  router.add("POST", "/device/edit", [this](const api::ApiRequest& r) { return edit(r); });
  router.add("GET", "/device/read", [this](const api::ApiRequest& r) { return read(r); });
  router.add("POST", "/device/sync", [this](const api::ApiRequest&) { return sync(); });
  router.add("POST", "/device/offline", [this](const api::ApiRequest& r) { return offline(r); });
  router.add("POST", "/device/online", [this](const api::ApiRequest&) { return online(); });
  router.add("GET", "/device/state", [this](const api::ApiRequest&) { return state(); });
}

bool DeviceAgent::is_offline() { return env_.clock.monotonic_ns() < offline_until_ns_; }

void DeviceAgent::background() {
  // Runs until the node ends; each round is one bounded sync attempt.
  for (;;) {
    const std::int64_t half = options_.sync_interval_ns / 2;
    env_.clock.sleep_ns(half + static_cast<std::int64_t>(env_.random.below(
                                   static_cast<std::uint64_t>(options_.sync_interval_ns) + 1)));
    if (!is_offline()) (void)sync();
  }
}

io::Response DeviceAgent::edit(const api::ApiRequest& req) {
  api::RequestBody body(req);
  const std::string id = body.fields().text("entity_id", api::kMaxIdBytes);
  const std::string type_text = body.fields().text("crdt_type", 64);
  const Json op_json = body.fields().object("operation");
  if (auto bad = body.problem()) return *bad;
  if (!valid_entity_id(id)) return api::error_response(400, "malformed entity_id");
  const auto type = parse_crdt_type(type_text);
  if (!type) return api::error_response(400, "unknown crdt_type '" + type_text + "'");
  std::string error;
  const auto op = parse_op(*type, op_json, &error);
  if (!op) return api::error_response(400, "operation: " + error);
  auto edited = device_.edit(id, *type, *op);
  if (!edited.is_ok()) return api::error_from_status(edited.status());
  return api::json_response(200, edit_json(edited.value()));
}

io::Response DeviceAgent::read(const api::ApiRequest& req) {
  const auto it = req.query.find("entity_id");
  if (it == req.query.end() || !valid_entity_id(it->second)) {
    return api::error_response(400, "query parameter 'entity_id' is required");
  }
  const ReadResult r = device_.read(it->second);
  Json out = {{"entity_id", it->second}, {"exists", r.exists}};
  if (r.exists) {
    out["crdt_type"] = type_name(r.state.type);
    out["value"] = value_of(r.state);
    out["version_vector"] = vv_json(r.state.context);
  }
  return api::json_response(200, out);
}

io::Response DeviceAgent::sync() {
  if (is_offline()) return api::error_response(503, "offline");
  // Home first, then the others: a device keeps syncing while its home region is down.
  const std::size_t n = options_.servers.size();
  const std::size_t home = static_cast<std::size_t>(io::hash_bytes(options_.device.device_id) % n);
  std::string errors;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& server = options_.servers[(home + i) % n];
    auto r = device_.sync(server);
    if (r.is_ok()) {
      return api::json_response(200, Json{{"server", server},
                                          {"uploaded", r.value().uploaded},
                                          {"downloaded", r.value().downloaded},
                                          {"merged", r.value().merged},
                                          {"pages", r.value().pages},
                                          {"dirty", device_.dirty()}});
    }
    errors += (errors.empty() ? "" : "; ") + server + ": " + r.status().to_string();
    if (r.status().message().rfind(kSyncInProgress, 0) == 0) break;
  }
  return api::error_response(503, "no server synced: " + errors);
}

io::Response DeviceAgent::offline(const api::ApiRequest& req) {
  api::RequestBody body(req);
  const std::int64_t ms = body.fields().integer("duration_ms", 1, kMaxOfflineMs);
  if (auto bad = body.problem()) return *bad;
  offline_until_ns_ = env_.clock.monotonic_ns() + ms * io::kNsPerMs;
  return api::json_response(200, Json{{"offline_ms", ms}});
}

io::Response DeviceAgent::online() {
  offline_until_ns_ = 0;
  env_.tasks.spawn("sync on reconnect", [this] { (void)sync(); });
  return api::json_response(200, Json{{"online", true}});
}

io::Response DeviceAgent::state() {
  Json entities = Json::object();
  for (const auto& [id, s] : device_.replica()) entities[id] = to_json(s);
  return api::json_response(200, Json{{"device_id", device_.id()},
                                      {"entities", entities},
                                      {"hash", device_.digest()},
                                      {"dirty", device_.dirty()}});
}

}  // namespace fl::sync
