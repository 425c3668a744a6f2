// Running a command: EventStore::execute (store.h explains the transaction and why its
// positions are gap-free and in commit order).
#include <algorithm>

#include "system/events/store.h"
#include "system/saga/txn.h"

namespace fl::events {
namespace {

constexpr std::int64_t kConflictBackoffNs = 2 * io::kNsPerMs;
constexpr std::int64_t kConflictBackoffMaxNs = 100 * io::kNsPerMs;
constexpr int kMaxClaimAttempts = 16;  // the no-expected-version bug's re-reads of the head

io::Status conflict(const std::string& why) {
  return io::Status::failed(io::ErrorKind::kSerialization, "conflict: " + why, true);
}

io::Status corrupt(const std::string& why) {
  return io::Status::failed(io::ErrorKind::kInternal, "corrupt event store: " + why);
}

bool retryable(const io::Status& s) {
  return s.is_failed() && (s.retryable() || s.kind() == io::ErrorKind::kSerialization ||
                           s.kind() == io::ErrorKind::kConnectionLost);
}

AppendOutcome outcome(AppendOutcome::Kind kind, std::int64_t version, std::string reason = "") {
  AppendOutcome out;
  out.kind = kind;
  out.version = version;
  out.reason = std::move(reason);
  return out;
}

// The command's earlier outcome when its command_id was applied before (nullopt: never).
io::Result<std::optional<AppendOutcome>> find_command(io::SqlTransaction& tx,
                                                      const CommandRequest& c) {
  auto row = tx.get(kCommandsTable, {c.command_id});
  if (!row.is_ok()) return row.status();
  if (!row.value()) return std::optional<AppendOutcome>();
  const CommandRecord rec = command_from(*row.value());
  if (rec.aggregate_id != c.aggregate_id || rec.command_type != c.command_type) {
    return std::optional<AppendOutcome>(outcome(AppendOutcome::Kind::kCommandIdReused, 0,
                                                "command_id " + c.command_id + " was used for " +
                                                    rec.command_type + " on " + rec.aggregate_id));
  }
  if (rec.data != c.data.dump()) {  // as Stripe's idempotency keys: same key, other request
    return std::optional<AppendOutcome>(
        outcome(AppendOutcome::Kind::kCommandIdReused, 0,
                "command_id " + c.command_id + " was used with other data"));
  }
  io::ScanSpec spec;
  spec.from = io::Key{rec.aggregate_id, rec.first_version};
  spec.until = io::Key{rec.aggregate_id, rec.last_version + 1};
  spec.limit = kMaxEventsPerCommand;
  auto rows = tx.scan(kEventsTable, spec);
  if (!rows.is_ok()) return rows.status();
  AppendOutcome out = outcome(AppendOutcome::Kind::kDuplicate, rec.last_version);
  for (const auto& r : rows.value()) out.events.push_back(event_from(r));
  if (out.events.size() != static_cast<std::size_t>(rec.last_version - rec.first_version + 1)) {
    return corrupt("command " + c.command_id + " recorded without its events");
  }
  return std::optional<AppendOutcome>(std::move(out));
}

// Claims the stream for `count` events decided at version `decided_at`: ok with the version the
// events follow; failed kSerialization when another append got there first. With the
// no-expected-version bug the claim follows the head wherever it went.
io::Result<std::int64_t> claim_stream(io::SqlTransaction& tx, const std::string& aggregate_id,
                                      const std::string& kind, std::int64_t decided_at,
                                      std::int64_t count, bool bug_any) {
  std::int64_t base = decided_at;
  for (int attempt = 0; attempt < kMaxClaimAttempts; ++attempt) {
    if (base == 0) {
      io::Status s = tx.insert(kStreamsTable, stream_row({aggregate_id, kind, count}));
      if (s.is_ok()) return base;
      return s.kind() == io::ErrorKind::kConstraint ? conflict("stream created concurrently") : s;
    }
    auto updated =
        tx.update(kStreamsTable, {aggregate_id}, {{kStreamVersion, io::CompareOp::kEq, base}},
                  {{kStreamVersion, base + count}});
    if (!updated.is_ok()) return updated.status();
    if (updated.value()) return base;
    if (!bug_any)
      return conflict("stream " + aggregate_id + " moved past version " + std::to_string(base));
    auto head = stream_head(tx, aggregate_id);  // the bug: append at the new head, undecided
    if (!head.is_ok()) return head.status();
    if (!head.value()) return corrupt("stream " + aggregate_id + " vanished");
    base = head.value()->version;
  }
  return conflict("stream " + aggregate_id + " is contended");
}

// The events of `decision` at versions base+1.. and positions first.., with ts ts0, ts0+1, ...
std::vector<StoredEvent> stamp(const CommandRequest& c, const Decision& decision, std::int64_t base,
                               std::int64_t first, std::int64_t ts0, std::int64_t wall_ns) {
  std::vector<StoredEvent> out;
  for (std::size_t i = 0; i < decision.events.size(); ++i) {
    const auto n = static_cast<std::int64_t>(i);
    const NewEvent& e = decision.events[i];
    out.push_back({c.aggregate_id, base + 1 + n, first + n, e.type, e.data.dump(), c.command_id,
                   ts0 + n, wall_ns});
    FL_ASSERT_LE(out.back().data.size(), kMaxEventDataBytes);
  }
  return out;
}

// Writes a snapshot at every version in `events` that is a multiple of `every`, each holding
// the state at that version (the bug: the state after the last event).
io::Status write_snapshots(io::SqlTransaction& tx, const Json& before,
                           const std::vector<StoredEvent>& events, std::int64_t every,
                           bool bug_whole_command) {
  if (every <= 0) return io::Status::ok();
  std::vector<Json> states;
  Json state = before;
  for (const auto& e : events) {
    auto next = apply_event(state, e.type, Json::parse(e.data));
    if (!next) return corrupt("event " + e.type + " does not fit " + e.aggregate_id);
    state = std::move(*next);
    states.push_back(state);
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].version % every != 0) continue;
    const Json& s = bug_whole_command ? states.back() : states[i];
    io::Status ok = tx.insert(
        kSnapshotsTable,
        snapshot_row({events[i].aggregate_id, events[i].version, events[i].position, s.dump()}));
    if (!ok.is_ok()) return ok;
  }
  return io::Status::ok();
}

io::Status insert_events(io::SqlTransaction& tx, const std::vector<StoredEvent>& events) {
  for (const auto& e : events) {
    if (io::Status s = tx.insert(kEventsTable, event_row(e)); !s.is_ok()) return s;
    if (io::Status s = tx.insert(kLogTable, log_row(e)); !s.is_ok()) return s;
  }
  return io::Status::ok();
}

}  // namespace

bool ExpectedVersion::matches(std::int64_t current) const {
  switch (kind) {
    case Kind::kAny:
      return true;
    case Kind::kNoStream:
      return current == 0;
    case Kind::kStreamExists:
      return current > 0;
    case Kind::kExact:
      return current == version;
  }
  return false;
}

std::string ExpectedVersion::to_string() const {
  switch (kind) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "none";
    case Kind::kStreamExists:
      return "exists";
    case Kind::kExact:
      return std::to_string(version);
  }
  return "?";
}

const char* to_string(AppendOutcome::Kind kind) {
  switch (kind) {
    case AppendOutcome::Kind::kAppended:
      return "appended";
    case AppendOutcome::Kind::kDuplicate:
      return "duplicate";
    case AppendOutcome::Kind::kWrongExpectedVersion:
      return "wrong-expected-version";
    case AppendOutcome::Kind::kRefused:
      return "refused";
    case AppendOutcome::Kind::kCommandIdReused:
      return "command-id-reused";
  }
  return "?";
}

EventStore::EventStore(io::Env& env, StoreOptions options) : env_(env), options_(options) {
  FL_ASSERT(env_.sql != nullptr);
  FL_ASSERT(options_.snapshot_every >= 0 && options_.snapshot_every <= kMaxSnapshotEvery);
}

io::Status EventStore::init() {
  if (io::Status s = saga::create_tables(*env_.sql, env_.clock, event_store_schemas());
      !s.is_ok()) {
    return s;
  }
  return saga::run_transaction(*env_.sql, env_.clock, io::Isolation::kReadCommitted,
                               [](io::SqlTransaction& tx) -> io::Result<saga::TxnAction> {
                                 auto row = tx.get(kCounterTable, {std::string(kCounterKey)});
                                 if (!row.is_ok()) return row.status();
                                 if (row.value()) return saga::TxnAction::kRollback;
                                 const io::Row counter = {std::string(kCounterKey), std::int64_t{0},
                                                          std::int64_t{0}, std::string()};
                                 io::Status s = tx.insert(kCounterTable, counter);
                                 if (s.kind() == io::ErrorKind::kConstraint)
                                   return conflict("counter created meanwhile");
                                 if (!s.is_ok()) return s;
                                 return saga::TxnAction::kCommit;
                               });
}

io::Result<AppendOutcome> EventStore::execute(const CommandRequest& c) {
  FL_ASSERT_MSG(validate_command(c.command_type, c.data).empty(), c.command_type);
  FL_ASSERT(!c.aggregate_id.empty() && c.aggregate_id.size() <= kMaxAggregateIdBytes);
  FL_ASSERT_LE(c.command_id.size(), kMaxCommandIdBytes);
  std::int64_t backoff_ns = kConflictBackoffNs;
  io::Status last = io::Status::failed(io::ErrorKind::kInternal, "no attempt");
  for (int attempt = 1; attempt <= kMaxAppendAttempts; ++attempt) {
    if (attempt > 1) {
      env_.clock.sleep_ns(backoff_ns / 2 + static_cast<std::int64_t>(env_.random.below(
                                               static_cast<std::uint64_t>(backoff_ns))));
      backoff_ns = std::min(backoff_ns * 2, kConflictBackoffMaxNs);
    }
    io::Result<AppendOutcome> r = append_once(c);
    if (r.is_ok() || r.status().is_indeterminate()) return r;
    last = r.status();
    if (!retryable(last)) return last;
  }
  return io::Status::failed(
      io::ErrorKind::kUnavailable,
      "gave up after " + std::to_string(kMaxAppendAttempts) + " attempts: " + last.to_string(),
      true);
}

io::Result<AppendOutcome> EventStore::append_once(const CommandRequest& c) {
  auto begun = env_.sql->begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  io::SqlTransaction& tx = *begun.value();
  if (!c.command_id.empty()) {
    auto earlier = find_command(tx, c);
    if (!earlier.is_ok()) return earlier.status();
    if (earlier.value()) return std::move(*earlier.value());
  }
  auto head = stream_head(tx, c.aggregate_id);
  if (!head.is_ok()) return head.status();
  const std::int64_t version = head.value() ? head.value()->version : 0;
  const std::string kind = aggregate_kind_of_command(c.command_type);
  if (head.value() && head.value()->kind != kind) {
    return outcome(AppendOutcome::Kind::kRefused, version,
                   c.aggregate_id + " is an " + head.value()->kind + ", not an " + kind);
  }
  if (!c.expected.matches(version)) {
    return outcome(
        AppendOutcome::Kind::kWrongExpectedVersion, version,
        "expected version " + c.expected.to_string() + ", stream is at " + std::to_string(version));
  }
  auto before = load_in(tx, c.aggregate_id, kind, version);
  if (!before.is_ok()) return before.status();
  const Decision decision = decide(c.command_type, before.value().state, c.data);
  if (!decision.refusal.empty()) {
    return outcome(AppendOutcome::Kind::kRefused, version, decision.refusal);
  }
  if (version + static_cast<std::int64_t>(decision.events.size()) > kMaxStreamVersion) {
    return outcome(AppendOutcome::Kind::kRefused, version,
                   "stream " + c.aggregate_id + " is full (at most " +
                       std::to_string(kMaxStreamVersion) + " events per stream)");
  }
  return commit_append(tx, c, kind, before.value(), decision);
}

io::Result<AppendOutcome> EventStore::commit_append(io::SqlTransaction& tx, const CommandRequest& c,
                                                    const std::string& kind, AggregateView before,
                                                    const Decision& decision) {
  const auto count = static_cast<std::int64_t>(decision.events.size());
  auto base = claim_stream(tx, c.aggregate_id, kind, before.version, count,
                           options_.bugs.no_expected_version);
  if (!base.is_ok()) return base.status();
  if (base.value() != before.version) {  // the bug moved on: snapshots fold the real stream
    auto real = load_in(tx, c.aggregate_id, kind, base.value());
    if (!real.is_ok()) return real.status();
    before = std::move(real.value());
  }
  if (!c.command_id.empty()) {
    io::Status s = tx.insert(
        kCommandsTable, command_row({c.command_id, c.aggregate_id, c.command_type, base.value() + 1,
                                     base.value() + count, c.data.dump()}));
    if (s.kind() == io::ErrorKind::kConstraint) return conflict("command in flight");
    if (!s.is_ok()) return s;
  }
  auto at = take_positions(tx, count);
  if (!at.is_ok()) return at.status();
  const Positions p = at.value();
  std::vector<StoredEvent> events =
      stamp(c, decision, base.value(), p.first, p.ts0, env_.clock.wall_ns());
  if (io::Status s = insert_events(tx, events); !s.is_ok()) return s;
  if (io::Status s = write_snapshots(tx, before.state, events, options_.snapshot_every,
                                     options_.bugs.snapshot_wrong_version);
      !s.is_ok()) {
    return s;
  }
  if (!options_.bugs.sequence_position_reader) {
    auto moved =
        tx.update(kCounterTable, {std::string(kCounterKey)}, {},
                  {{kCounterHead, p.first + count - 1}, {kCounterClock, p.ts0 + count - 1}});
    if (!moved.is_ok()) return moved.status();
    FL_ASSERT(moved.value());  // we hold its row lock
  }
  if (io::Status s = tx.commit(); !s.is_ok()) return s;
  AppendOutcome out = outcome(AppendOutcome::Kind::kAppended, base.value() + count);
  out.events = std::move(events);
  return out;
}

// The counter's head and clock, with its row lock held until the transaction ends: an
// unconditional UPDATE waits for the previous holder's COMMIT or ROLLBACK, then the read sees
// what it committed.
io::Result<CounterRow> EventStore::lock_counter(io::SqlTransaction& tx) {
  const std::string token = env_.tasks.node_name() + "/" +
                            std::to_string(env_.tasks.incarnation()) + "/" +
                            std::to_string(++lock_tokens_);
  auto locked =
      tx.update(kCounterTable, {std::string(kCounterKey)}, {}, {{kCounterLockedBy, token}});
  if (!locked.is_ok()) return locked.status();
  if (!locked.value()) return corrupt("no counter row (init() did not run)");
  return read_counter(tx);
}

// Positions for `count` events (store.h). With the sequence bug: drawn in a transaction of
// their own, committed at once, like nextval() of a PostgreSQL sequence.
io::Result<EventStore::Positions> EventStore::take_positions(io::SqlTransaction& tx,
                                                             std::int64_t count) {
  if (options_.bugs.sequence_position_reader) return draw_positions(count);
  auto c = lock_counter(tx);
  if (!c.is_ok()) return c.status();
  return Positions{c.value().head + 1, std::max(env_.clock.wall_ns(), c.value().clock_ns + 1)};
}

io::Result<EventStore::Positions> EventStore::draw_positions(std::int64_t count) {
  auto begun = env_.sql->begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  io::SqlTransaction& seq = *begun.value();
  auto c = lock_counter(seq);
  if (!c.is_ok()) return c.status();
  const std::int64_t ts0 = std::max(env_.clock.wall_ns(), c.value().clock_ns + 1);
  auto drawn =
      seq.update(kCounterTable, {std::string(kCounterKey)}, {},
                 {{kCounterHead, c.value().head + count}, {kCounterClock, ts0 + count - 1}});
  if (!drawn.is_ok()) return drawn.status();
  if (io::Status s = seq.commit(); !s.is_ok()) return s;
  return Positions{c.value().head + 1, ts0};
}

}  // namespace fl::events
