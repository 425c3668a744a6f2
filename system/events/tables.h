// The event store's tables (PostgreSQL through the SqlStore seam) and their row types. Internal
// to system/events, but the composition's final read (compose/events) reads them too, as an
// operator would with psql.
//
//  es_events      (aggregate_id, version) -> position, type, data, command_id, ts, wall
//                 one row per event: a stream is the key range of its aggregate_id
//  es_log         (position) -> aggregate_id, version, type, data, command_id, ts, wall
//                 the same events keyed by global position: what subscribers scan
//  es_streams     (aggregate_id) -> kind, version: the stream head, the row a command's
//                 optimistic concurrency check updates conditionally
//  es_counter     ("global") -> head, clock_ns, locked_by: the global position and the store's
//                 clock; the appending transaction holds its row lock from assigning positions
//                 until COMMIT (see store.h for why that makes positions commit-ordered)
//  es_commands    (command_id) -> aggregate_id, command_type, first_version, last_version
//  es_snapshots   (aggregate_id, version) -> position, state
//  es_checkpoints (name) -> position: each projection's checkpoint
//  rm_accounts, rm_orders: the read models (projector.h)
//
// Timestamps: `ts_ns` is the store's clock (es_counter.clock_ns, strictly increasing in position
// order); `wall_ns` is the appending node's wall clock, kept for people and never used to order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "system/io/sql_store.h"

namespace fl::events {

inline constexpr const char* kEventsTable = "es_events";
inline constexpr const char* kLogTable = "es_log";
inline constexpr const char* kStreamsTable = "es_streams";
inline constexpr const char* kCounterTable = "es_counter";
inline constexpr const char* kCommandsTable = "es_commands";
inline constexpr const char* kSnapshotsTable = "es_snapshots";
inline constexpr const char* kCheckpointsTable = "es_checkpoints";
inline constexpr const char* kAccountsTable = "rm_accounts";
inline constexpr const char* kOrdersTable = "rm_orders";
inline constexpr const char* kCounterKey = "global";

constexpr std::int64_t kMaxStreamVersion = 1'000'000;

struct StoredEvent {
  std::string aggregate_id;
  std::int64_t version = 0;   // 1, 2, ... within the stream
  std::int64_t position = 0;  // global, 1, 2, ...
  std::string type;
  std::string data;  // JSON object text
  std::string command_id;
  std::int64_t ts_ns = 0;    // the store's clock
  std::int64_t wall_ns = 0;  // the writer's wall clock (information only)
};

struct StreamHead {
  std::string aggregate_id;
  std::string kind;  // "account" | "order"
  std::int64_t version = 0;
};

struct CounterRow {
  std::int64_t head = 0;      // the highest position assigned (and committed)
  std::int64_t clock_ns = 0;  // the store's clock: >= ts_ns of every event
};

struct CommandRecord {
  std::string command_id;
  std::string aggregate_id;
  std::string command_type;
  std::int64_t first_version = 0;
  std::int64_t last_version = 0;
  std::string data;  // the command's data, canonical JSON: a reused id with other data is refused
};

struct SnapshotRow {
  std::string aggregate_id;
  std::int64_t version = 0;
  std::int64_t position = 0;
  std::string state;  // JSON text
};

std::vector<io::TableSchema> event_store_schemas();

io::Row event_row(const StoredEvent& e);  // es_events
io::Row log_row(const StoredEvent& e);    // es_log
StoredEvent event_from(const io::Row& row);
StoredEvent log_event_from(const io::Row& row);
io::Row stream_row(const StreamHead& s);
StreamHead stream_from(const io::Row& row);
CounterRow counter_from(const io::Row& row);
io::Row command_row(const CommandRecord& c);
CommandRecord command_from(const io::Row& row);
io::Row snapshot_row(const SnapshotRow& s);
SnapshotRow snapshot_from(const io::Row& row);

// Column indexes the store's conditional updates and filters name.
enum StreamColumn : std::size_t { kStreamId, kStreamKind, kStreamVersion };
enum CounterColumn : std::size_t { kCounterName, kCounterHead, kCounterClock, kCounterLockedBy };
enum LogColumn : std::size_t { kLogPosition = 0, kLogTs = 6, kLogWall = 7 };
enum EventColumn : std::size_t { kEventAggregate = 0, kEventVersion = 1, kEventPosition = 2 };
enum SnapshotColumn : std::size_t { kSnapshotPosition = 2 };
enum CheckpointColumn : std::size_t { kCheckpointName, kCheckpointPosition };

}  // namespace fl::events
