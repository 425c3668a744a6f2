// The event store's tables and row conversions (tables.h).
#include "system/events/tables.h"

#include "system/saga/txn.h"

namespace fl::events {
namespace {

using io::ColumnType;
using saga::int_at;
using saga::text_at;

std::vector<io::Column> event_columns(bool by_position) {
  std::vector<io::Column> columns = {{"aggregate_id", ColumnType::kText},
                                     {"version", ColumnType::kInt64},
                                     {"position", ColumnType::kInt64}};
  if (by_position) columns = {columns[2], columns[0], columns[1]};
  for (io::Column c :
       {io::Column{"event_type", ColumnType::kText}, io::Column{"data", ColumnType::kText},
        io::Column{"command_id", ColumnType::kText}, io::Column{"ts_ns", ColumnType::kInt64},
        io::Column{"wall_ns", ColumnType::kInt64}}) {
    columns.push_back(c);
  }
  return columns;
}

}  // namespace

std::vector<io::TableSchema> event_store_schemas() {
  return {
      {kEventsTable, event_columns(false), {0, 1}},
      {kLogTable, event_columns(true), {0}},
      {kStreamsTable,
       {{"aggregate_id", ColumnType::kText},
        {"kind", ColumnType::kText},
        {"version", ColumnType::kInt64}},
       {0}},
      {kCounterTable,
       {{"name", ColumnType::kText},
        {"head", ColumnType::kInt64},
        {"clock_ns", ColumnType::kInt64},
        {"locked_by", ColumnType::kText}},
       {0}},
      {kCommandsTable,
       {{"command_id", ColumnType::kText},
        {"aggregate_id", ColumnType::kText},
        {"command_type", ColumnType::kText},
        {"first_version", ColumnType::kInt64},
        {"last_version", ColumnType::kInt64},
        {"data", ColumnType::kText}},
       {0}},
      {kSnapshotsTable,
       {{"aggregate_id", ColumnType::kText},
        {"version", ColumnType::kInt64},
        {"position", ColumnType::kInt64},
        {"state", ColumnType::kText}},
       {0, 1}},
      {kCheckpointsTable, {{"name", ColumnType::kText}, {"position", ColumnType::kInt64}}, {0}},
      {kAccountsTable,
       {{"account_id", ColumnType::kText},
        {"owner", ColumnType::kText},
        {"balance", ColumnType::kInt64},
        {"version", ColumnType::kInt64},
        {"position", ColumnType::kInt64}},
       {0}},
      {kOrdersTable,
       {{"order_id", ColumnType::kText},
        {"customer_id", ColumnType::kText},
        {"status", ColumnType::kText},
        {"amount", ColumnType::kInt64},
        {"items", ColumnType::kInt64},
        {"items_total", ColumnType::kInt64},
        {"version", ColumnType::kInt64},
        {"position", ColumnType::kInt64}},
       {0}},
  };
}

io::Row event_row(const StoredEvent& e) {
  FL_ASSERT(e.version >= 1 && e.position >= 1);
  return {e.aggregate_id, e.version, e.position, e.type, e.data, e.command_id, e.ts_ns, e.wall_ns};
}

io::Row log_row(const StoredEvent& e) {
  FL_ASSERT(e.version >= 1 && e.position >= 1);
  return {e.position, e.aggregate_id, e.version, e.type, e.data, e.command_id, e.ts_ns, e.wall_ns};
}

StoredEvent event_from(const io::Row& row) {
  return {text_at(row, 0), int_at(row, 1),  int_at(row, 2), text_at(row, 3),
          text_at(row, 4), text_at(row, 5), int_at(row, 6), int_at(row, 7)};
}

StoredEvent log_event_from(const io::Row& row) {
  return {text_at(row, 1), int_at(row, 2),  int_at(row, 0), text_at(row, 3),
          text_at(row, 4), text_at(row, 5), int_at(row, 6), int_at(row, 7)};
}

io::Row stream_row(const StreamHead& s) {
  FL_ASSERT(s.version >= 1 && s.version <= kMaxStreamVersion);
  return {s.aggregate_id, s.kind, s.version};
}

StreamHead stream_from(const io::Row& row) {
  return {text_at(row, kStreamId), text_at(row, kStreamKind), int_at(row, kStreamVersion)};
}

CounterRow counter_from(const io::Row& row) {
  return {int_at(row, kCounterHead), int_at(row, kCounterClock)};
}

io::Row command_row(const CommandRecord& c) {
  FL_ASSERT(c.first_version >= 1 && c.first_version <= c.last_version);
  return {c.command_id, c.aggregate_id, c.command_type, c.first_version, c.last_version, c.data};
}

CommandRecord command_from(const io::Row& row) {
  return {text_at(row, 0), text_at(row, 1), text_at(row, 2),
          int_at(row, 3),  int_at(row, 4),  text_at(row, 5)};
}

io::Row snapshot_row(const SnapshotRow& s) {
  FL_ASSERT(s.version >= 1 && s.position >= 1);
  return {s.aggregate_id, s.version, s.position, s.state};
}

SnapshotRow snapshot_from(const io::Row& row) {
  return {text_at(row, 0), int_at(row, 1), int_at(row, 2), text_at(row, 3)};
}

}  // namespace fl::events
