#include "system/saga/saga_api.h"

#include <optional>

#include "system/api/request.h"
#include "system/io/assert.h"
#include "system/saga/definition.h"
#include "system/saga/saga_cache.h"

namespace fl::api {
namespace {

std::string known_types() {
  std::string out;
  for (const auto& t : saga::definition_types()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

// The Idempotency-Key header (as Stripe's clients send it) or the body's idempotency_key; both
// given and different is a 400.
std::optional<io::Response> key_from_header(const ApiRequest& req, std::string* key) {
  const std::string* header = req.headers.get("idempotency-key");
  if (header == nullptr) return std::nullopt;
  if (header->empty() || header->size() > saga::kMaxIdempotencyKeyBytes) {
    return error_response(400, "header Idempotency-Key must have 1.." +
                                   std::to_string(saga::kMaxIdempotencyKeyBytes) + " bytes");
  }
  if (!key->empty() && *key != *header) {
    return error_response(400, "the Idempotency-Key header and the body's idempotency_key differ");
  }
  *key = *header;
  return std::nullopt;
}

// Whether an existing saga was started by the same request (type and data).
bool same_request(const saga::SagaView& existing, const saga::StartSagaRequest& start) {
  if (existing.type != start.type) return false;
  const Json stored = Json::parse(existing.data_json, nullptr, /*allow_exceptions=*/false);
  const Json asked = Json::parse(start.data_json, nullptr, /*allow_exceptions=*/false);
  return !stored.is_discarded() && stored == asked;
}

io::Response create_saga(saga::Orchestrator& orchestrator, Logger& log, const ApiRequest& req) {
  RequestBody body(req);
  FieldReader& r = body.fields();
  saga::StartSagaRequest start;
  start.type = r.text("type", kMaxIdBytes);
  const Json data = r.object("data", /*required=*/false);
  start.idempotency_key =
      r.text("idempotency_key", saga::kMaxIdempotencyKeyBytes, /*required=*/false);
  if (auto bad = body.problem()) return *bad;
  if (auto bad = key_from_header(req, &start.idempotency_key)) return *bad;
  const saga::SagaDefinition* definition = saga::find_definition(start.type);
  if (definition == nullptr) {
    return error_response(400,
                          "unknown saga type '" + start.type + "' (known: " + known_types() + ")");
  }
  start.data_json = data.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (start.data_json.size() > saga::kMaxSagaDataBytes) {
    return error_response(
        413, "field 'data' larger than " + std::to_string(saga::kMaxSagaDataBytes) + " bytes");
  }
  const std::string invalid = definition->validate(start.data_json);
  if (!invalid.empty()) return error_response(400, "invalid data: " + invalid);
  auto started = orchestrator.start(start);
  if (!started.is_ok()) {
    log.warn("saga not started", {{"type", start.type}, {"error", started.status().to_string()}});
    return error_from_status(started.status());
  }
  const auto& result = started.value();
  FL_ASSERT(!result.saga_id.empty());
  log.info(result.created ? "saga started" : "saga exists",
           {{"saga_id", result.saga_id}, {"type", start.type}});
  const int status = result.created ? 201 : 200;
  auto view = orchestrator.get(result.saga_id);
  if (view.is_ok() && view.value().has_value()) {
    if (!result.created && !same_request(*view.value(), start)) {
      return error_response(422, "idempotency key '" + start.idempotency_key +
                                     "' was used for a different request (saga " + result.saga_id +
                                     "): use a new key for a new request");
    }
    return json_response(status, saga_json(*view.value()));
  }
  // Started, but reading it back failed: the id is what the client needs.
  return json_response(
      status, Json{{"saga_id", result.saga_id}, {"type", start.type}, {"status", "running"}});
}

// GET /api/v1/sagas?limit=&after=&status=: a page in id order; `next` continues it.
io::Response list_sagas(saga::Orchestrator& orchestrator, const ApiRequest& req) {
  saga::SagaQuery query;
  if (auto bad = read_limit(req, kDefaultListLimit, saga::kMaxListSagas, &query.limit)) {
    return *bad;
  }
  if (auto after = req.query.find("after"); after != req.query.end()) {
    if (!valid_id(after->second) || after->second.size() > kMaxIdBytes) {
      return error_response(400, "malformed 'after': a saga id");
    }
    query.after = after->second;
  }
  if (auto status = req.query.find("status"); status != req.query.end()) {
    query.status = saga::saga_status_from(status->second);
    if (!query.status) {
      return error_response(
          400, "unknown 'status': one of running, compensating, completed, compensated, failed");
    }
  }
  auto page = orchestrator.list(query);
  if (!page.is_ok()) return error_from_status(page.status());
  FL_ASSERT_LE(page.value().sagas.size(), query.limit);
  Json items = Json::array();
  for (const auto& v : page.value().sagas) items.push_back(saga_json(v));
  Json body{{"sagas", items}, {"count", items.size()}, {"limit", query.limit}};
  body["next"] = page.value().next.empty() ? Json(nullptr) : Json(page.value().next);
  return json_response(200, body);
}

io::Response get_saga(saga::Orchestrator& orchestrator, const ApiRequest& req) {
  std::string id;
  if (auto bad = read_id(req, "id", kMaxIdBytes, "saga id", &id)) return *bad;
  auto view = orchestrator.get(id);
  if (!view.is_ok()) return error_from_status(view.status());
  if (!view.value().has_value()) return error_response(404, "no saga " + id);
  return json_response(200, saga_json(*view.value()));
}

}  // namespace

Json saga_json(const saga::SagaView& view) {
  Json steps = Json::array();
  for (const auto& s : view.steps) {
    steps.push_back(Json{{"name", s.name}, {"state", saga::to_string(s.state)}});
  }
  Json data = Json::parse(view.data_json, nullptr, /*allow_exceptions=*/false);
  if (data.is_discarded()) data = view.data_json;  // stored text that is not JSON: show it
  return Json{{"saga_id", view.saga_id},
              {"type", view.type},
              {"status", saga::to_string(view.status)},
              {"current_step", view.current_step},
              {"direction", saga::to_string(view.direction)},
              {"attempt", view.attempt},
              {"steps", steps},
              {"data", data},
              {"error", view.error},
              {"idempotency_key", view.idempotency_key},
              {"version", view.version},
              {"created_at", rfc3339_ms(view.created_wall_ns)},
              {"updated_at", rfc3339_ms(view.updated_wall_ns)}};
}

void add_saga_routes(Router& router, saga::Orchestrator& orchestrator, Logger& log) {
  router.add("POST", "/api/v1/sagas", [&orchestrator, &log](const ApiRequest& req) {
    return create_saga(orchestrator, log, req);
  });
  router.add("GET", "/api/v1/sagas",
             [&orchestrator](const ApiRequest& req) { return list_sagas(orchestrator, req); });
  router.add("GET", "/api/v1/sagas/{id}",
             [&orchestrator](const ApiRequest& req) { return get_saga(orchestrator, req); });
}

void add_saga_metrics(Metrics& metrics, saga::Orchestrator& orchestrator) {
  metrics.add_gauge(
      "faultline_sagas_since_start", "Sagas started and finished (by state) by this process.",
      [&orchestrator](std::vector<GaugeSample>* out) {
        const auto& s = orchestrator.stats();
        out->push_back({{{"state", "started"}}, static_cast<double>(s.started)});
        out->push_back({{{"state", "completed"}}, static_cast<double>(s.completed)});
        out->push_back({{{"state", "compensated"}}, static_cast<double>(s.compensated)});
        out->push_back({{{"state", "failed"}}, static_cast<double>(s.failed)});
        out->push_back({{{"state", "recovered"}}, static_cast<double>(s.recovered)});
        out->push_back({{{"state", "timeouts"}}, static_cast<double>(s.timeouts)});
        return true;
      });
  metrics.add_gauge("faultline_saga_cache",
                    "The orchestrator's Redis cache (idempotency keys, finished sagas).",
                    [&orchestrator](std::vector<GaugeSample>* out) {
                      const saga::SagaCacheStats s = orchestrator.cache_stats();
                      out->push_back({{{"event", "hit"}}, static_cast<double>(s.hits)});
                      out->push_back({{{"event", "miss"}}, static_cast<double>(s.misses)});
                      out->push_back({{{"event", "write"}}, static_cast<double>(s.writes)});
                      out->push_back({{{"event", "error"}}, static_cast<double>(s.errors)});
                      out->push_back({{{"event", "skipped"}}, static_cast<double>(s.skipped)});
                      return true;
                    });
  metrics.add_gauge("faultline_saga_recovery_seconds",
                    "How long the last start-up's recovery of unfinished sagas took.",
                    [&orchestrator](std::vector<GaugeSample>* out) {
                      out->push_back({{},
                                      static_cast<double>(orchestrator.stats().recovery_ns) /
                                          static_cast<double>(io::kNsPerSec)});
                      return true;
                    });
  metrics.add_gauge(
      "faultline_sagas_unfinished",
      "Unfinished sagas by state, counted through the status index (at most 100000 each).",
      [&orchestrator](std::vector<GaugeSample>* out) {
        for (auto state : {saga::SagaStatus::kRunning, saga::SagaStatus::kCompensating}) {
          auto n = orchestrator.count(state, kMaxCountedUnfinished);
          if (!n.is_ok()) return false;
          out->push_back({{{"state", saga::to_string(state)}}, static_cast<double>(n.value())});
        }
        return true;
      });
}

}  // namespace fl::api
