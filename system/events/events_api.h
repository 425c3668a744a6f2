// The event store's HTTP API (the seeds', port 8090), on system/api:
//
//   POST /api/v1/commands              {aggregate_id, command_type, data, expected_version?,
//                                       command_id?}  -> 201 appended | 200 duplicate (the same
//                                       command_id before) | 409 wrong expected version or a
//                                       reused command_id | 422 refused by a business rule
//                                       expected_version: "any" (default) | "none" | "exists" |
//                                       an integer (exact; 0 = none)
//   GET  /api/v1/events/{aggregate_id}?from_version=1&limit=100   the stream, paged
//   GET  /api/v1/aggregates/{aggregate_id}                        current state (snapshot+tail)
//   GET  /api/v1/aggregates/{aggregate_id}/snapshots              its snapshots
//   POST /api/v1/time-travel/restore   {aggregate_id, point_in_time | position}
//                                       -> {state, version, position, ...}; position beyond the
//                                       head or a time too far ahead -> 409
//   GET  /api/v1/log?after=0&limit=100  catch-up subscription read of the global log
//   GET  /api/v1/read-models/accounts[/{id}], /api/v1/read-models/orders[/{id}]
//   GET  /api/v1/projections            checkpoints, head and lag of each projection
// Every 4xx carries {"error": "..."}; store failures map through api::error_from_status.
#pragma once

#include "system/api/json_body.h"
#include "system/api/log.h"
#include "system/api/metrics.h"
#include "system/api/router.h"
#include "system/events/events_service.h"

namespace fl::api {

constexpr std::size_t kDefaultEventsPage = 100;

void add_events_routes(Router& router, events::EventsService& service, Logger& log,
                       Metrics& metrics);
// Gauges: the head position and each projection's lag behind it.
void add_events_metrics(Metrics& metrics, events::EventsService& service);

Json stored_event_json(const events::StoredEvent& e);
Json aggregate_view_json(const events::AggregateView& v);

}  // namespace fl::api
