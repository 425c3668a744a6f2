// The sync server's HTTP handlers (sync_api.h).
#include "system/sync/sync_api.h"

#include "system/api/request.h"
#include "system/io/assert.h"

namespace fl::api {
namespace {

using sync::CrdtState;
using sync::CrdtType;

constexpr std::size_t kMaxTypeBytes = 64;

// A non-negative integer query parameter (absent: 0). nullopt and the 400 otherwise.
std::optional<io::Response> read_cursor(const ApiRequest& req, const std::string& name,
                                        std::int64_t* out) {
  *out = 0;
  const auto it = req.query.find(name);
  if (it == req.query.end()) return std::nullopt;
  const std::string& t = it->second;
  bool ok = !t.empty() && t.size() <= 18;
  for (char c : t) ok = ok && c >= '0' && c <= '9';
  if (!ok) return error_response(400, "query parameter '" + name + "' must be an integer >= 0");
  *out = std::stoll(t);
  return std::nullopt;
}

std::optional<io::Response> read_device_query(const ApiRequest& req, std::string* device) {
  const auto it = req.query.find("device_id");
  if (it == req.query.end()) return error_response(400, "query parameter 'device_id' is required");
  if (!sync::valid_entity_id(it->second)) return error_response(400, "malformed device_id");
  *device = it->second;
  return std::nullopt;
}

std::optional<CrdtType> read_type(const std::string& name, std::string* error) {
  auto type = sync::parse_crdt_type(name);
  if (!type) {
    *error = "unknown crdt_type '" + name + "' (known: " + sync::crdt_type_names() + ")";
  }
  return type;
}

// One change of an upload; "" or the problem (prefixed by where it is).
std::string read_change(const Json& c, const std::string& where, sync::UploadChange* out) {
  if (!c.is_object()) return where + " must be an object";
  FieldReader r(c, where);
  out->entity_id = r.text("entity_id", kMaxIdBytes);
  const std::string type = r.text("crdt_type", kMaxTypeBytes);
  const Json ops = r.array("operations", sync::kMaxOpsPerChange, false);
  const Json state = r.value("state", false);
  r.no_other_fields();
  if (!r.ok()) return r.error();
  if (!sync::valid_entity_id(out->entity_id)) return where + ": malformed entity_id";
  std::string error;
  const auto t = read_type(type, &error);
  if (!t) return where + ": " + error;
  out->type = *t;
  if (ops.empty() == state.is_null()) {
    return where + " needs either a non-empty 'operations' list or a 'state'";
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    auto op = sync::parse_op(*t, ops[i], &error);
    if (!op) return where + ".operations[" + std::to_string(i) + "]: " + error;
    out->ops.push_back(std::move(*op));
  }
  if (!state.is_null()) {
    out->state = sync::state_from_json(state, &error);
    if (!out->state) return where + ".state: " + error;
    if (out->state->type != *t) return where + ".state is not a " + type;
  }
  return "";
}

io::Response register_device(sync::SyncServer& server, Logger& log, const ApiRequest& req) {
  RequestBody body(req);
  const std::string device = body.fields().text("device_id", kMaxIdBytes);
  const std::string user = body.fields().text("user_id", kMaxIdBytes);
  if (auto bad = body.problem()) return *bad;
  if (!sync::valid_entity_id(device) || !sync::valid_entity_id(user)) {
    return error_response(400, "device_id and user_id must match [A-Za-z0-9_.:-]+");
  }
  auto created = server.register_device(device, user);
  if (!created.is_ok()) return error_from_status(created.status());
  if (created.value()) log.info("device registered", {{"device_id", device}, {"user_id", user}});
  return json_response(created.value() ? 201 : 200, Json{{"device_id", device},
                                                         {"user_id", user},
                                                         {"region", server.region()},
                                                         {"registered", true}});
}

io::Response upload(sync::SyncServer& server, Logger& log, const ApiRequest& req) {
  RequestBody body(req);
  sync::UploadRequest up;
  up.device_id = body.fields().text("device_id", kMaxIdBytes);
  const std::int64_t seq = body.fields().integer("seq", 1, sync::kMaxCounter, false, 0);
  const Json changes = body.fields().array("changes", sync::kMaxChangesPerUpload);
  if (auto bad = body.problem()) return *bad;
  if (!sync::valid_entity_id(up.device_id)) return error_response(400, "malformed device_id");
  if (seq > 0) up.seq = seq;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    sync::UploadChange change;
    const std::string e = read_change(changes[i], "changes[" + std::to_string(i) + "]", &change);
    if (!e.empty()) return error_response(400, e);
    up.changes.push_back(std::move(change));
  }
  auto reply = server.upload(up);
  if (!reply.is_ok()) {
    log.warn("upload refused",
             {{"device_id", up.device_id}, {"error", reply.status().to_string()}});
    return error_from_status(reply.status());
  }
  return json_response(200, reply.value());
}

io::Response download(sync::SyncServer& server, const ApiRequest& req) {
  std::string device;
  std::int64_t since = 0;
  std::size_t limit = 0;
  if (auto bad = read_device_query(req, &device)) return *bad;
  if (auto bad = read_cursor(req, "since", &since)) return *bad;
  if (auto bad = read_limit(req, sync::kDefaultDownloadLimit, sync::kMaxPageChanges, &limit)) {
    return *bad;
  }
  auto page = server.download(device, since, limit);
  if (!page.is_ok()) return error_from_status(page.status());
  Json out = sync::page_json(page.value());
  out["device_id"] = device;
  return json_response(200, out);
}

io::Response replicate(sync::SyncServer& server, const ApiRequest& req) {
  std::int64_t since = 0;
  std::size_t limit = 0;
  if (auto bad = read_cursor(req, "since", &since)) return *bad;
  if (auto bad = read_limit(req, sync::kDefaultDownloadLimit, sync::kMaxPageChanges, &limit)) {
    return *bad;
  }
  auto page = server.replicate(since, limit);
  if (!page.is_ok()) return error_from_status(page.status());
  return json_response(200, sync::page_json(page.value()));
}

io::Response list_entities(sync::SyncServer& server, const ApiRequest& req) {
  std::size_t limit = 0;
  if (auto bad = read_limit(req, sync::kDefaultDownloadLimit, sync::kMaxPageChanges, &limit)) {
    return *bad;
  }
  const auto it = req.query.find("after");
  const std::string after = it == req.query.end() ? "" : it->second;
  if (!after.empty() && !sync::valid_entity_id(after))
    return error_response(400, "malformed after");
  auto rows = server.entities(after, limit);
  if (!rows.is_ok()) return error_from_status(rows.status());
  Json list = Json::array();
  for (const auto& r : rows.value())
    list.push_back(sync::change_json({r.entity_id, r.state, r.seq}));
  const Json next = rows.value().size() == limit ? Json(rows.value().back().entity_id) : Json();
  return json_response(200, Json{{"region", server.region()}, {"entities", list}, {"next", next}});
}

io::Response get_entity(sync::SyncServer& server, const ApiRequest& req) {
  std::string id;
  if (auto bad = read_id(req, "id", kMaxIdBytes, "entity id", &id)) return *bad;
  auto row = server.entity(id);
  if (!row.is_ok()) return error_from_status(row.status());
  if (!row.value()) return error_response(404, "no entity " + id);
  const auto& r = *row.value();
  return json_response(200, sync::change_json({r.entity_id, r.state, r.seq}));
}

io::Response digest(sync::SyncServer& server) {
  auto d = server.digest();
  if (!d.is_ok()) return error_from_status(d.status());
  return json_response(200, Json{{"region", d.value().region},
                                 {"entities", d.value().entities},
                                 {"hash", d.value().hash},
                                 {"last_seq", d.value().last_seq}});
}

}  // namespace

void add_sync_routes(Router& router, sync::SyncServer& server, Logger& log) {
  router.add("POST", "/api/v1/sync/register-device",
             [&server, &log](const ApiRequest& r) { return register_device(server, log, r); });
  router.add("POST", "/api/v1/sync/upload",
             [&server, &log](const ApiRequest& r) { return upload(server, log, r); });
  router.add("GET", "/api/v1/sync/download",
             [&server](const ApiRequest& r) { return download(server, r); });
  const sync::CrdtBugs bugs = server.rules().crdt;
  router.add("POST", "/api/v1/crdt/merge",
             [bugs](const ApiRequest& r) { return crdt_merge(r, bugs); });
  router.add("GET", "/api/v1/sync/replicate",
             [&server](const ApiRequest& r) { return replicate(server, r); });
  router.add("GET", "/api/v1/sync/digest", [&server](const ApiRequest&) { return digest(server); });
  router.add("GET", "/api/v1/sync/entities",
             [&server](const ApiRequest& r) { return list_entities(server, r); });
  router.add("GET", "/api/v1/sync/entities/{id}",
             [&server](const ApiRequest& r) { return get_entity(server, r); });
}

void add_sync_metrics(Metrics& metrics, sync::SyncServer& server) {
  metrics.add_gauge("faultline_sync_since_start",
                    "Uploads, joins and anti-entropy pulls of this region since it started.",
                    [&server](std::vector<GaugeSample>* out) {
                      const sync::SyncStats& s = server.stats();
                      const std::pair<const char*, std::uint64_t> kinds[] = {
                          {"uploads", s.uploads},
                          {"replays", s.replays},
                          {"merged", s.merged},
                          {"skipped", s.skipped},
                          {"pulls", s.pulls},
                          {"pull_failures", s.pull_failures},
                          {"pulled_changes", s.pulled_changes}};
                      for (const auto& [kind, n] : kinds) {
                        out->push_back({{{"kind", kind}}, static_cast<double>(n)});
                      }
                      return true;
                    });
}

}  // namespace fl::api
