// Reading the event store: streams, aggregates (snapshot + tail), the global log (store.h).
#include <algorithm>

#include "system/events/store.h"
#include "system/saga/txn.h"

namespace fl::events {
namespace {

constexpr std::size_t kTailPage = 500;
constexpr std::int64_t kMaxTailPages = kMaxStreamVersion / static_cast<std::int64_t>(kTailPage) + 1;

io::Status corrupt(const std::string& why) {
  return io::Status::failed(io::ErrorKind::kInternal, "corrupt event store: " + why);
}

// Parses stored JSON text (an event's data, a snapshot's state); nullopt if it is not JSON.
std::optional<Json> parse_stored(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// The newest snapshot of the aggregate at or below `version` (and at or below `position` when
// it is > 0), applied to `view`.
io::Status apply_snapshot(io::SqlTransaction& tx, std::int64_t version, std::int64_t position,
                          AggregateView* view) {
  io::ScanSpec spec;
  spec.from = io::Key{view->aggregate_id, std::int64_t{1}};
  spec.until = io::Key{view->aggregate_id, version + 1};
  spec.descending = true;
  spec.limit = 1;
  if (position > 0) spec.filters = {{kSnapshotPosition, io::CompareOp::kLe, position}};
  auto rows = tx.scan(kSnapshotsTable, spec);
  if (!rows.is_ok()) return rows.status();
  if (rows.value().empty()) return io::Status::ok();
  const SnapshotRow s = snapshot_from(rows.value().front());
  auto state = parse_stored(s.state);
  if (!state) return corrupt("snapshot " + s.aggregate_id + "@" + std::to_string(s.version));
  view->state = std::move(*state);
  view->version = view->snapshot_version = s.version;
  view->position = s.position;
  return io::Status::ok();
}

// Folds the stream's events after view->version up to `version` (and, when position > 0, only
// those at or below `position`) into the view, checking that versions are contiguous.
io::Status fold_tail(io::SqlTransaction& tx, std::int64_t version, std::int64_t position,
                     AggregateView* view) {
  for (std::int64_t page = 0; page < kMaxTailPages && view->version < version; ++page) {
    io::ScanSpec spec;
    spec.from = io::Key{view->aggregate_id, view->version + 1};
    spec.until = io::Key{view->aggregate_id, version + 1};
    spec.limit = kTailPage;
    if (position > 0) spec.filters = {{kEventPosition, io::CompareOp::kLe, position}};
    auto rows = tx.scan(kEventsTable, spec);
    if (!rows.is_ok()) return rows.status();
    for (const auto& row : rows.value()) {
      const StoredEvent e = event_from(row);
      if (e.version != view->version + 1) {
        return corrupt(e.aggregate_id + " has version " + std::to_string(e.version) + " after " +
                       std::to_string(view->version));
      }
      auto data = parse_stored(e.data);
      auto next = data ? apply_event(view->state, e.type, *data) : std::nullopt;
      if (!next) return corrupt(e.aggregate_id + "@" + std::to_string(e.version) + " " + e.type);
      view->state = std::move(*next);
      view->version = e.version;
      view->position = e.position;
    }
    if (rows.value().size() < kTailPage) break;
  }
  return io::Status::ok();
}

std::string kind_of_state(const Json& state) {
  return state.is_object() ? state.value("kind", "") : "";
}

}  // namespace

io::Result<std::optional<StreamHead>> stream_head(io::SqlTransaction& tx,
                                                  const std::string& aggregate_id) {
  auto row = tx.get(kStreamsTable, {aggregate_id});
  if (!row.is_ok()) return row.status();
  if (!row.value()) return std::optional<StreamHead>();
  return std::optional<StreamHead>(stream_from(*row.value()));
}

io::Result<CounterRow> read_counter(io::SqlTransaction& tx) {
  auto row = tx.get(kCounterTable, {std::string(kCounterKey)});
  if (!row.is_ok()) return row.status();
  if (!row.value()) return corrupt("no counter row (init() did not run)");
  const CounterRow c = counter_from(*row.value());
  FL_ASSERT(c.head >= 0 && c.clock_ns >= 0);
  return c;
}

io::Result<AggregateView> load_in(io::SqlTransaction& tx, const std::string& aggregate_id,
                                  const std::string& kind, std::int64_t version) {
  FL_ASSERT(version >= 0 && version <= kMaxStreamVersion);
  AggregateView view;
  view.aggregate_id = aggregate_id;
  if (version == 0) return view;
  view.kind = kind;
  if (io::Status s = apply_snapshot(tx, version, 0, &view); !s.is_ok()) return s;
  if (io::Status s = fold_tail(tx, version, 0, &view); !s.is_ok()) return s;
  if (view.version != version) {
    return corrupt(aggregate_id + " ends at " + std::to_string(view.version) + ", head says " +
                   std::to_string(version));
  }
  return view;
}

io::Result<AggregateView> load_at_position(io::SqlTransaction& tx, const std::string& aggregate_id,
                                           std::int64_t position) {
  FL_ASSERT(position >= 0);
  AggregateView view;
  view.aggregate_id = aggregate_id;
  if (position > 0) {
    auto head = stream_head(tx, aggregate_id);
    if (!head.is_ok()) return head.status();
    if (head.value()) {
      const std::int64_t version = head.value()->version;
      if (io::Status s = apply_snapshot(tx, version, position, &view); !s.is_ok()) return s;
      if (io::Status s = fold_tail(tx, version, position, &view); !s.is_ok()) return s;
    }
  }
  view.kind = kind_of_state(view.state);
  view.position = position;
  return view;
}

io::Result<std::vector<StoredEvent>> EventStore::read_stream(const std::string& aggregate_id,
                                                             std::int64_t from_version,
                                                             std::size_t limit) {
  FL_ASSERT(from_version >= 1 && limit >= 1 && limit <= kMaxStreamPage);
  return saga::read_only<std::vector<StoredEvent>>(
      *env_.sql, [&](io::SqlTransaction& tx) -> io::Result<std::vector<StoredEvent>> {
        io::ScanSpec spec;
        spec.from = io::Key{aggregate_id, from_version};
        spec.until = io::Key{aggregate_id, kMaxStreamVersion + 1};
        spec.limit = limit;
        auto rows = tx.scan(kEventsTable, spec);
        if (!rows.is_ok()) return rows.status();
        std::vector<StoredEvent> out;
        for (const auto& row : rows.value()) out.push_back(event_from(row));
        return out;
      });
}

io::Result<AggregateView> EventStore::load(const std::string& aggregate_id) {
  return saga::read_only<AggregateView>(
      *env_.sql, [&](io::SqlTransaction& tx) -> io::Result<AggregateView> {
        auto head = stream_head(tx, aggregate_id);
        if (!head.is_ok()) return head.status();
        if (!head.value()) return load_in(tx, aggregate_id, "", 0);
        return load_in(tx, aggregate_id, head.value()->kind, head.value()->version);
      });
}

io::Result<LogPage> read_log_in(io::SqlTransaction& tx, std::int64_t after, std::size_t limit,
                                bool take_all) {
  FL_ASSERT(after >= 0 && limit >= 1 && limit <= kMaxLogPage);
  io::ScanSpec spec;
  spec.from = io::Key{after + 1};
  spec.limit = limit;
  auto rows = tx.scan(kLogTable, spec);  // one statement: one snapshot
  if (!rows.is_ok()) return rows.status();
  LogPage page;
  std::int64_t expected = after + 1;
  for (const auto& row : rows.value()) {
    StoredEvent e = log_event_from(row);
    FL_ASSERT_LT(after, e.position);
    if (!take_all && e.position != expected) {  // a hole: never read past it
      page.holes = e.position - expected;
      break;
    }
    expected = e.position + 1;
    page.events.push_back(std::move(e));
  }
  auto counter = read_counter(tx);
  if (!counter.is_ok()) return counter.status();
  page.head = counter.value().head;
  return page;
}

io::Result<LogPage> EventStore::read_log(std::int64_t after, std::size_t limit) {
  const bool take_all = options_.bugs.sequence_position_reader;
  return saga::read_only<LogPage>(
      *env_.sql, [&](io::SqlTransaction& tx) { return read_log_in(tx, after, limit, take_all); });
}

io::Result<std::vector<SnapshotRow>> EventStore::snapshots(const std::string& aggregate_id,
                                                           std::size_t limit) {
  FL_ASSERT(limit >= 1 && limit <= kMaxSnapshotsListed);
  return saga::read_only<std::vector<SnapshotRow>>(
      *env_.sql, [&](io::SqlTransaction& tx) -> io::Result<std::vector<SnapshotRow>> {
        io::ScanSpec spec;
        spec.from = io::Key{aggregate_id, std::int64_t{1}};
        spec.until = io::Key{aggregate_id, kMaxStreamVersion + 1};
        spec.limit = limit;
        auto rows = tx.scan(kSnapshotsTable, spec);
        if (!rows.is_ok()) return rows.status();
        std::vector<SnapshotRow> out;
        for (const auto& row : rows.value()) out.push_back(snapshot_from(row));
        return out;
      });
}

io::Result<CounterRow> EventStore::counter() {
  return saga::read_only<CounterRow>(*env_.sql,
                                     [](io::SqlTransaction& tx) { return read_counter(tx); });
}

}  // namespace fl::events
