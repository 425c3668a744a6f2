// The saga orchestrator's HTTP API (port 8080 in the seeds), on the Orchestrator:
//   POST /api/v1/sagas        {"type": "order_processing", "data": {...}, "idempotency_key"?}
//                             (or the key in an Idempotency-Key header)
//                             -> 201 {saga} (200 when the key names an existing saga started
//                             by the same request; 422 when it names one started by another)
//   GET  /api/v1/sagas        ?limit=N (1..1000, default 100) -> 200 {"sagas": [...], "count"}
//   GET  /api/v1/sagas/{id}   -> 200 {saga} | 404
// A saga: {"saga_id","type","status","current_step","direction","attempt","steps":[{"name",
// "state"}],"data":{...},"error","idempotency_key","version","created_at","updated_at"}.
// The body is validated whole (type known, data an object the type accepts, no other fields)
// before the orchestrator is asked: a rejected request starts nothing.
// Metrics: sagas started/finished by state since this process started (counters), and the
// unfinished sagas by state (a bounded scan of the saga table at each scrape).
#pragma once

#include "system/api/json_body.h"
#include "system/api/log.h"
#include "system/api/metrics.h"
#include "system/api/router.h"
#include "system/saga/orchestrator.h"

namespace fl::api {

constexpr std::size_t kDefaultListLimit = 100;

void add_saga_routes(Router& router, saga::Orchestrator& orchestrator, Logger& log);
// Counters since start, and the unfinished sagas counted through the status index.
constexpr std::size_t kMaxCountedUnfinished = 100000;
void add_saga_metrics(Metrics& metrics, saga::Orchestrator& orchestrator);

// The JSON form of a saga (above).
Json saga_json(const saga::SagaView& view);

}  // namespace fl::api
