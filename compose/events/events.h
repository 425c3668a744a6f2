// The event-store composition: the seeds' CQRS event store (system/events) as the service
// "event-store" (port 8090), the harness system "event-store" (nodes events1..eventsN, all
// serving the same store on PostgreSQL and publishing to Kafka), the workload "event-store"
// and the system's checks (check.cc, check_clients.cc).
//
// System options (a scenario's topology.system_options; defaults in brackets):
//   nodes [2] (1..4)            service nodes events1..eventsN
//   snapshot_every [5] (0..kMaxSnapshotEvery: 10000) the service's --snapshot-every
//                       (EVENTS_SNAPSHOT_EVERY)
//   bug ["none"]                a known-bug switch, simulation only (docs/known-bugs.md):
//       "sequence-position-reader", "snapshot-wrong-version", "no-expected-version",
//       "time-travel-wall-clock"
// The system needs pg_servers >= 1 and kafka = true.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checkers/registry.h"
#include "compose/timeline.h"
#include "history/history.h"
#include "system/events/projector.h"
#include "system/events/store.h"

namespace fl::compose {

inline constexpr const char* kEventStoreService = "event-store";
constexpr int kMaxEventNodes = 4;
std::string events_node_name(int i);  // "events1", ...

// The store's state as the final read found it (final_state.cc), all of it.
struct EventsFinalState {
  events::CounterRow counter;
  std::vector<events::StoredEvent> log;     // es_log, by position
  std::vector<events::StoredEvent> events;  // es_events, by (aggregate, version)
  std::vector<events::StreamHead> streams;
  std::vector<events::CommandRecord> commands;
  std::vector<events::SnapshotRow> snapshots;
  std::vector<events::AccountModel> accounts;
  std::vector<events::OrderModel> orders;
  std::map<std::string, std::int64_t> checkpoints;
};

constexpr std::size_t kMaxFinalEvents = 50000;

// Reads everything in one repeatable-read transaction. REQUIRES: env.sql.
io::Result<EventsFinalState> read_events_final_state(io::Env& env);
// The final state as the final op records it in the history, and back ("" or the problem).
nlohmann::json final_state_json(const EventsFinalState& state);
std::string final_state_from_json(const nlohmann::json& j, EventsFinalState* out);

// The checks (pure; from the history alone, so real mode and `faultline check` judge the same).
checkers::CheckOutcome judge_event_store(const history::History& history);
checkers::CheckOutcome judge_stream_linearizable(const history::History& history);

// The run report's lanes (lanes.cc): each projection's checkpoint as one lane in group
// "checkpoints", bars where it moved (at most one per second of `clock` per node), recorded from
// `node`'s projector. `clock` is the node's and outlives the recorder.
std::function<void(const events::CheckpointMove&)> checkpoint_lane_recorder(
    std::shared_ptr<TimelineLog> log, io::Clock& clock, std::string node);

void register_events();

// Defined in services.cc, system.cc, workload.cc; called by register_events() only.
void register_events_service();
void register_events_system();
void register_events_workload();

}  // namespace fl::compose
