// The event store's HTTP handlers (events_api.h).
#include "system/events/events_api.h"

#include <charconv>

#include "system/api/request.h"
#include "system/events/rfc3339.h"
#include "system/io/assert.h"

namespace fl::api {
namespace {

using events::AppendOutcome;
using events::ExpectedVersion;

std::optional<io::Response> query_int(const ApiRequest& req, const std::string& name,
                                      std::int64_t fallback, std::int64_t min, std::int64_t max,
                                      std::int64_t* out) {
  const auto it = req.query.find(name);
  if (it == req.query.end()) {
    *out = fallback;
    return std::nullopt;
  }
  std::int64_t v = 0;
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return error_response(400, "query parameter '" + name + "' must be an integer in [" +
                                   std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  *out = v;
  return std::nullopt;
}

// expected_version: absent or "any", "none", "exists", or an integer >= 0.
std::string read_expected(const Json& body, FieldReader& r, ExpectedVersion* out) {
  const auto it = body.find("expected_version");
  if (it == body.end() || it->is_null()) return "";
  if (it->is_number_integer()) {
    const std::int64_t v = r.integer("expected_version", 0, events::kMaxStreamVersion);
    *out = v == 0 ? ExpectedVersion{ExpectedVersion::Kind::kNoStream, 0}
                  : ExpectedVersion{ExpectedVersion::Kind::kExact, v};
    return "";
  }
  const std::string s = r.text("expected_version", 16);
  if (s == "any") *out = {ExpectedVersion::Kind::kAny, 0};
  if (s == "none") *out = {ExpectedVersion::Kind::kNoStream, 0};
  if (s == "exists") *out = {ExpectedVersion::Kind::kStreamExists, 0};
  if (!r.ok() || s == "any" || s == "none" || s == "exists") return "";
  return "field 'expected_version' must be \"any\", \"none\", \"exists\" or an integer >= 0";
}

// Reads and checks a command body; the request or the 400 for it.
std::optional<io::Response> read_command(const ApiRequest& req, events::CommandRequest* c) {
  std::string error;
  const auto body = parse_object(req.body, &error);
  if (!body) return error_response(400, error);
  FieldReader r(*body);
  c->aggregate_id = r.text("aggregate_id", events::kMaxAggregateIdBytes);
  c->command_type = r.text("command_type", kMaxIdBytes);
  c->data = r.object("data", /*required=*/false);
  c->command_id = r.text("command_id", events::kMaxCommandIdBytes, /*required=*/false);
  const std::string expected = read_expected(*body, r, &c->expected);
  r.no_other_fields();
  if (!r.ok()) return error_response(400, r.error());
  if (!expected.empty()) return error_response(400, expected);
  if (!valid_id(c->aggregate_id)) {
    return error_response(400, "field 'aggregate_id' must match [A-Za-z0-9_.:-]+");
  }
  if (events::aggregate_kind_of_command(c->command_type).empty()) {
    std::string known;
    for (const auto& t : events::command_types()) known += (known.empty() ? "" : ", ") + t;
    return error_response(400, "unknown command_type '" + c->command_type + "' (" + known + ")");
  }
  if (const std::string bad = events::validate_command(c->command_type, c->data); !bad.empty()) {
    return error_response(400, "invalid data for " + c->command_type + ": " + bad);
  }
  return std::nullopt;
}

Json appended_json(const events::CommandRequest& c, const AppendOutcome& out) {
  FL_ASSERT(!out.events.empty());
  Json events = Json::array();
  for (const auto& e : out.events) events.push_back(stored_event_json(e));
  const events::StoredEvent& last = out.events.back();
  return Json{{"aggregate_id", c.aggregate_id},
              {"command_type", c.command_type},
              {"command_id", c.command_id},
              {"version", out.version},
              {"position", last.position},
              {"committed_at", events::format_rfc3339_ns(last.ts_ns)},
              {"committed_at_ns", last.ts_ns},
              {"duplicate", out.kind == AppendOutcome::Kind::kDuplicate},
              {"events", events}};
}

io::Response post_command(events::EventsService& svc, Logger& log, Metrics& metrics,
                          const ApiRequest& req) {
  events::CommandRequest c;
  if (auto bad = read_command(req, &c)) return *bad;
  auto done = svc.store().execute(c);
  if (!done.is_ok()) {
    metrics.count("faultline_events_commands_total", {{"outcome", "error"}});
    log.warn("command failed",
             {{"aggregate_id", c.aggregate_id}, {"error", done.status().to_string()}});
    return error_from_status(done.status());
  }
  const AppendOutcome& out = done.value();
  metrics.count("faultline_events_commands_total", {{"outcome", events::to_string(out.kind)}});
  switch (out.kind) {
    case AppendOutcome::Kind::kAppended:
      log.info("command appended", {{"aggregate_id", c.aggregate_id},
                                    {"command_type", c.command_type},
                                    {"version", out.version},
                                    {"position", out.events.back().position}});
      return json_response(201, appended_json(c, out));
    case AppendOutcome::Kind::kDuplicate:
      return json_response(200, appended_json(c, out));
    case AppendOutcome::Kind::kWrongExpectedVersion:
      return json_response(409, Json{{"error", out.reason}, {"current_version", out.version}});
    case AppendOutcome::Kind::kRefused:
      return json_response(422, Json{{"error", out.reason}, {"current_version", out.version}});
    case AppendOutcome::Kind::kCommandIdReused:
      return error_response(409, out.reason);
  }
  return error_response(500, "unknown outcome");
}

io::Response get_events(events::EventsService& svc, const ApiRequest& req) {
  std::string id;
  if (auto bad = read_id(req, "aggregate_id", events::kMaxAggregateIdBytes, "aggregate_id", &id)) {
    return *bad;
  }
  std::int64_t from = 1;
  std::size_t limit = 0;
  if (auto bad = query_int(req, "from_version", 1, 1, events::kMaxStreamVersion, &from)) {
    return *bad;
  }
  if (auto bad = read_limit(req, kDefaultEventsPage, events::kMaxStreamPage, &limit)) return *bad;
  auto page = svc.store().read_stream(id, from, limit);
  if (!page.is_ok()) return error_from_status(page.status());
  Json events = Json::array();
  for (const auto& e : page.value()) events.push_back(stored_event_json(e));
  Json out = {{"aggregate_id", id}, {"from_version", from}, {"events", events}};
  out["next_from_version"] =
      page.value().size() == limit ? Json(page.value().back().version + 1) : Json();
  return json_response(200, out);
}

io::Response get_aggregate(events::EventsService& svc, const ApiRequest& req, bool snapshots) {
  std::string id;
  if (auto bad = read_id(req, "aggregate_id", events::kMaxAggregateIdBytes, "aggregate_id", &id)) {
    return *bad;
  }
  if (snapshots) {
    auto list = svc.store().snapshots(id, events::kMaxSnapshotsListed);
    if (!list.is_ok()) return error_from_status(list.status());
    Json out = Json::array();
    for (const auto& s : list.value()) {
      out.push_back({{"version", s.version},
                     {"position", s.position},
                     {"state", Json::parse(s.state, nullptr, false)}});
    }
    return json_response(200, Json{{"aggregate_id", id}, {"snapshots", out}});
  }
  auto view = svc.store().load(id);
  if (!view.is_ok()) return error_from_status(view.status());
  if (view.value().version == 0) return error_response(404, "no aggregate " + id);
  return json_response(200, aggregate_view_json(view.value()));
}

io::Response restore(events::EventsService& svc, const ApiRequest& req) {
  std::string error;
  const auto body = parse_object(req.body, &error);
  if (!body) return error_response(400, error);
  FieldReader r(*body);
  const std::string id = r.text("aggregate_id", events::kMaxAggregateIdBytes);
  const bool by_time = body->contains("point_in_time");
  const std::string at = r.text("point_in_time", events::kMaxTimestampBytes, false);
  const std::int64_t position = r.integer("position", 0, INT64_MAX, false, -1);
  r.no_other_fields();
  if (!r.ok()) return error_response(400, r.error());
  if (!valid_id(id)) return error_response(400, "field 'aggregate_id' must match [A-Za-z0-9_.:-]+");
  if (by_time == (position >= 0)) {
    return error_response(400, "give exactly one of 'point_in_time' and 'position'");
  }
  std::optional<std::int64_t> at_ns;
  if (by_time && !(at_ns = events::parse_rfc3339_ns(at))) {
    return error_response(400,
                          "field 'point_in_time' must be an RFC 3339 time "
                          "(e.g. 2024-01-01T12:00:00Z) between 1970 and 2262");
  }
  auto view = by_time ? svc.store().restore_at_time(id, *at_ns)
                      : svc.store().restore_at_position(id, position);
  if (!view.is_ok()) return error_from_status(view.status());
  Json out = aggregate_view_json(view.value());
  if (by_time) out["point_in_time"] = at;
  return json_response(200, out);
}

io::Response get_log(events::EventsService& svc, const ApiRequest& req) {
  std::int64_t after = 0;
  std::size_t limit = 0;
  if (auto bad = query_int(req, "after", 0, 0, INT64_MAX - 1, &after)) return *bad;
  if (auto bad = read_limit(req, kDefaultEventsPage, events::kMaxLogPage, &limit)) return *bad;
  auto page = svc.store().read_log(after, limit);
  if (!page.is_ok()) return error_from_status(page.status());
  Json events = Json::array();
  for (const auto& e : page.value().events) events.push_back(stored_event_json(e));
  const std::int64_t next =
      page.value().events.empty() ? after : page.value().events.back().position;
  return json_response(200, Json{{"after", after},
                                 {"events", events},
                                 {"next_after", next},
                                 {"head", page.value().head},
                                 {"holes", page.value().holes}});
}

Json account_json(const events::AccountModel& m) {
  return {{"account_id", m.account_id},
          {"owner", m.owner},
          {"balance", m.balance},
          {"version", m.version},
          {"position", m.position}};
}

Json order_json(const events::OrderModel& m) {
  return {{"order_id", m.order_id}, {"customer_id", m.customer_id},
          {"status", m.status},     {"amount", m.amount},
          {"items", m.items},       {"items_total", m.items_total},
          {"version", m.version},   {"position", m.position}};
}

io::Response read_model(events::EventsService& svc, const ApiRequest& req, bool accounts) {
  events::Projector& p = svc.projector();
  if (req.params.count("id") == 0) {
    std::size_t limit = 0;
    if (auto bad = read_limit(req, kDefaultEventsPage, events::kMaxReadModelList, &limit)) {
      return *bad;
    }
    Json out = Json::array();
    if (accounts) {
      auto list = p.accounts(limit);
      if (!list.is_ok()) return error_from_status(list.status());
      for (const auto& m : list.value()) out.push_back(account_json(m));
    } else {
      auto list = p.orders(limit);
      if (!list.is_ok()) return error_from_status(list.status());
      for (const auto& m : list.value()) out.push_back(order_json(m));
    }
    return json_response(200, Json{{accounts ? "accounts" : "orders", out}, {"count", out.size()}});
  }
  std::string id;
  if (auto bad = read_id(req, "id", events::kMaxAggregateIdBytes, "id", &id)) return *bad;
  if (accounts) {
    auto m = p.account(id);
    if (!m.is_ok()) return error_from_status(m.status());
    if (!m.value()) return error_response(404, "no account " + id + " in the read model");
    return json_response(200, account_json(*m.value()));
  }
  auto m = p.order(id);
  if (!m.is_ok()) return error_from_status(m.status());
  if (!m.value()) return error_response(404, "no order " + id + " in the read model");
  return json_response(200, order_json(*m.value()));
}

io::Response projections(events::EventsService& svc) {
  auto checkpoints = svc.projector().checkpoints();
  if (!checkpoints.is_ok()) return error_from_status(checkpoints.status());
  auto counter = svc.store().counter();
  if (!counter.is_ok()) return error_from_status(counter.status());
  Json list = Json::array();
  for (const auto& [name, position] : checkpoints.value()) {
    list.push_back(
        {{"name", name}, {"checkpoint", position}, {"lag", counter.value().head - position}});
  }
  return json_response(200, Json{{"head", counter.value().head},
                                 {"clock", events::format_rfc3339_ns(counter.value().clock_ns)},
                                 {"projections", list}});
}

}  // namespace

Json stored_event_json(const events::StoredEvent& e) {
  return Json{{"aggregate_id", e.aggregate_id},
              {"version", e.version},
              {"position", e.position},
              {"type", e.type},
              {"data", Json::parse(e.data, nullptr, false)},
              {"command_id", e.command_id},
              {"committed_at", events::format_rfc3339_ns(e.ts_ns)},
              {"committed_at_ns", e.ts_ns}};
}

Json aggregate_view_json(const events::AggregateView& v) {
  return Json{{"aggregate_id", v.aggregate_id},
              {"kind", v.kind},
              {"state", v.state},
              {"version", v.version},
              {"position", v.position},
              {"snapshot_version", v.snapshot_version}};
}

void add_events_routes(Router& router, events::EventsService& svc, Logger& log, Metrics& metrics) {
  router.add("POST", "/api/v1/commands", [&svc, &log, &metrics](const ApiRequest& q) {
    return post_command(svc, log, metrics, q);
  });
  router.add("GET", "/api/v1/events/{aggregate_id}",
             [&svc](const ApiRequest& q) { return get_events(svc, q); });
  router.add("GET", "/api/v1/aggregates/{aggregate_id}",
             [&svc](const ApiRequest& q) { return get_aggregate(svc, q, false); });
  router.add("GET", "/api/v1/aggregates/{aggregate_id}/snapshots",
             [&svc](const ApiRequest& q) { return get_aggregate(svc, q, true); });
  router.add("POST", "/api/v1/time-travel/restore",
             [&svc](const ApiRequest& q) { return restore(svc, q); });
  router.add("GET", "/api/v1/log", [&svc](const ApiRequest& q) { return get_log(svc, q); });
  router.add("GET", "/api/v1/read-models/accounts",
             [&svc](const ApiRequest& q) { return read_model(svc, q, true); });
  router.add("GET", "/api/v1/read-models/accounts/{id}",
             [&svc](const ApiRequest& q) { return read_model(svc, q, true); });
  router.add("GET", "/api/v1/read-models/orders",
             [&svc](const ApiRequest& q) { return read_model(svc, q, false); });
  router.add("GET", "/api/v1/read-models/orders/{id}",
             [&svc](const ApiRequest& q) { return read_model(svc, q, false); });
  router.add("GET", "/api/v1/projections", [&svc](const ApiRequest&) { return projections(svc); });
}

void add_events_metrics(Metrics& metrics, events::EventsService& svc) {
  metrics.add_gauge("faultline_events_head_position", "the highest global position committed",
                    [&svc](std::vector<GaugeSample>* out) {
                      auto c = svc.store().counter();
                      if (!c.is_ok()) return false;
                      out->push_back({{}, static_cast<double>(c.value().head)});
                      return true;
                    });
  metrics.add_gauge(
      "faultline_events_projection_lag", "events committed but not yet applied, by projection",
      [&svc](std::vector<GaugeSample>* out) {
        auto c = svc.store().counter();
        auto checkpoints = svc.projector().checkpoints();
        if (!c.is_ok() || !checkpoints.is_ok()) return false;
        for (const auto& [name, position] : checkpoints.value()) {
          out->push_back({{{"projection", name}}, static_cast<double>(c.value().head - position)});
        }
        return true;
      });
}

}  // namespace fl::api
