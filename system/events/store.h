// EventStore: commands become events in per-aggregate streams, with a global position that
// subscribers follow without gaps, snapshots every N events, and time travel by commit order.
// Built on the SqlStore seam alone (tables.h); the whole design in docs/event-store.md.
//
// THE GLOBAL POSITION, and why no subscriber can skip an event. A command is one read committed
// transaction: (1) it reads its stream's head and the aggregate's state (snapshot + tail) and
// decides; (2) it claims the stream with a conditional UPDATE es_streams ... WHERE version = v
// (the optimistic concurrency check: the row lock is then held until COMMIT, so a concurrent
// append to the same stream waits and then finds the version changed); (3) LAST, it takes the
// row lock of es_counter (an unconditional UPDATE that waits for the previous holder's COMMIT or
// ROLLBACK), reads head and clock, inserts its events at head+1.., and writes the new head.
// The counter's row lock is held from (3) until COMMIT, so:
//  - positions are assigned in commit order: the transaction that takes head+1 cannot read the
//    head until the one that wrote it has finished, and PostgreSQL releases row locks only
//    after the commit is visible to new snapshots (ProcArrayEndTransaction precedes the lock
//    release; the simulated PostgreSQL models the same order);
//  - positions have no holes: an aborted append rolls its head update back with its events;
//  - therefore any snapshot that sees position p sees every position below p, and a reader
//    that scans "position > checkpoint" in one statement reads a gap-free prefix. The reader
//    (read_log) still stops at a hole should one ever appear (counted, never skipped).
// The price is that appends are serialized for the few statements of step (3); everything
// before it runs concurrently (docs/benchmarks.md measures it against pgbench).
//
// THE STORE'S CLOCK. es_counter.clock_ns is advanced under the same lock: an append's events
// get ts = max(writer's wall clock, clock + 1), +1 per event, so ts strictly increases with
// position whatever the writers' clocks do. Time travel resolves a time T to the highest
// position whose ts <= T. An answer for T is final once clock >= T (later appends get larger
// ts), so restore_at_time first advances the clock to T when it is behind (a fence), and
// answers the same T the same way forever after.
//
// Idempotency: a command with a command_id is recorded in es_commands in the appending
// transaction; a retry finds it and gets the original outcome (even if the expected version
// no longer matches). Snapshots: when an append crosses a multiple of snapshot_every, the state
// at that version is written with it; loading reads the newest snapshot and the tail after it.
//
// Known-bug switches (simulation only, docs/known-bugs.md) are fields of StoreBugs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "system/events/domain.h"
#include "system/events/tables.h"
#include "system/io/env.h"

namespace fl::events {

constexpr std::size_t kMaxAggregateIdBytes = 128;
constexpr std::size_t kMaxCommandIdBytes = 128;
constexpr int kMaxAppendAttempts = 8;
constexpr std::size_t kMaxLogPage = 1000;
constexpr std::size_t kMaxStreamPage = 1000;
constexpr std::size_t kMaxSnapshotsListed = 1000;
constexpr std::int64_t kMaxSnapshotEvery = 10000;
// How far past max(store clock, this node's wall clock) a point in time may lie and still be
// answered (by fencing the clock forward to it).
constexpr std::int64_t kMaxFenceAheadNs = 1 * io::kNsPerSec;

// What a command expects of its stream (EventStoreDB's ExpectedRevision).
struct ExpectedVersion {
  enum class Kind : std::uint8_t { kAny, kNoStream, kStreamExists, kExact };
  Kind kind = Kind::kAny;
  std::int64_t version = 0;  // kExact only; 0 is the same as kNoStream
  bool matches(std::int64_t current) const;
  std::string to_string() const;
};

struct CommandRequest {
  std::string aggregate_id;  // api::valid_id, at most kMaxAggregateIdBytes
  std::string command_type;  // one of command_types()
  Json data = Json::object();
  ExpectedVersion expected;
  std::string command_id;  // "" = not idempotent
};

struct AppendOutcome {
  enum class Kind : std::uint8_t {
    kAppended,              // events appended now
    kDuplicate,             // the command_id was applied before: its events
    kWrongExpectedVersion,  // nothing appended: the stream is at `version`
    kRefused,               // a business rule refused it (reason); nothing appended
    kCommandIdReused,       // the command_id belongs to another command; nothing appended
  };
  Kind kind = Kind::kAppended;
  std::vector<StoredEvent> events;  // appended or duplicate: the command's events
  std::int64_t version = 0;         // the stream's version after the command, or as it was found
  std::string reason;
};
const char* to_string(AppendOutcome::Kind kind);

struct StoreBugs {
  // Positions come from a sequence drawn in its own transaction before the append commits (so
  // they become visible out of order), and readers take every position > checkpoint.
  bool sequence_position_reader = false;
  // A snapshot at a version boundary inside a multi-event command holds the state after the
  // whole command (the in-memory aggregate), labelled with the boundary version.
  bool snapshot_wrong_version = false;
  // The stream claim ignores the version the command was decided on: on a conflict it re-reads
  // the head and appends there without deciding again (two withdrawals on one stale balance).
  bool no_expected_version = false;
  // point_in_time is compared with each event's writer wall clock instead of the store's clock.
  bool time_travel_wall_clock = false;
};

struct StoreOptions {
  std::int64_t snapshot_every = 5;  // 0: no snapshots; else 1..kMaxSnapshotEvery
  StoreBugs bugs;
};

// An aggregate's state as of a position: `version` events of its stream are folded.
struct AggregateView {
  std::string aggregate_id;
  std::string kind;  // "" when version == 0
  Json state;        // null when version == 0
  std::int64_t version = 0;
  std::int64_t position = 0;          // as of this global position
  std::int64_t snapshot_version = 0;  // the snapshot loading started from (0: none)
};

struct LogPage {
  std::vector<StoredEvent> events;  // ascending positions, all > after
  std::int64_t head = 0;            // the counter's head after the scan
  std::int64_t holes = 0;           // positions missing where the reader stopped (should be 0)
};

class EventStore {
 public:
  // REQUIRES: env.sql; options.snapshot_every in 0..kMaxSnapshotEvery. Does no IO.
  EventStore(io::Env& env, StoreOptions options);
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Creates the tables and the counter row (idempotent).
  io::Status init();

  // Runs a command: ok with an outcome (appended, duplicate, or a definite refusal: nothing was
  // written); failed: nothing was written; indeterminate: the COMMIT's outcome is unknown (retry
  // with the same command_id). REQUIRES: a valid request (validate_command, ids).
  io::Result<AppendOutcome> execute(const CommandRequest& command);

  // Events of a stream from `from_version` (>= 1), at most limit (1..kMaxStreamPage).
  io::Result<std::vector<StoredEvent>> read_stream(const std::string& aggregate_id,
                                                   std::int64_t from_version, std::size_t limit);
  // The current state (snapshot + tail); version 0 when the stream does not exist.
  io::Result<AggregateView> load(const std::string& aggregate_id);
  // Catch-up read of the global log: events with position > after, at most limit
  // (1..kMaxLogPage), without a hole (see the file comment).
  io::Result<LogPage> read_log(std::int64_t after, std::size_t limit);
  // Time travel: the state as of global position `position` (failed kConstraint when it is
  // beyond the head), or as of store time `at_ns` (failed kConstraint when it lies more than
  // kMaxFenceAheadNs ahead of the store's clock and this node's wall clock).
  io::Result<AggregateView> restore_at_position(const std::string& aggregate_id,
                                                std::int64_t position);
  io::Result<AggregateView> restore_at_time(const std::string& aggregate_id, std::int64_t at_ns);
  io::Result<std::vector<SnapshotRow>> snapshots(const std::string& aggregate_id,
                                                 std::size_t limit);
  io::Result<CounterRow> counter();

  const StoreOptions& options() const { return options_; }

 private:
  // The first position and first timestamp an append's events take.
  struct Positions {
    std::int64_t first = 0;
    std::int64_t ts0 = 0;
  };
  io::Result<AppendOutcome> append_once(const CommandRequest& command);
  io::Result<AppendOutcome> commit_append(io::SqlTransaction& tx, const CommandRequest& command,
                                          const std::string& kind, AggregateView before,
                                          const Decision& decision);
  io::Result<CounterRow> lock_counter(io::SqlTransaction& tx);
  io::Result<Positions> take_positions(io::SqlTransaction& tx, std::int64_t count);
  io::Result<Positions> draw_positions(std::int64_t count);  // the sequence bug only
  io::Status fence_clock(std::int64_t at_ns);

  io::Env& env_;
  StoreOptions options_;
  std::uint64_t lock_tokens_ = 0;  // volatile: names this incarnation's counter locks
};

// Shared by the store's files: the aggregate at `version` (snapshot + tail) read in `tx`.
io::Result<AggregateView> load_in(io::SqlTransaction& tx, const std::string& aggregate_id,
                                  const std::string& kind, std::int64_t version);
// The aggregate as of global position `position` read in `tx`.
io::Result<AggregateView> load_at_position(io::SqlTransaction& tx, const std::string& aggregate_id,
                                           std::int64_t position);
io::Result<std::optional<StreamHead>> stream_head(io::SqlTransaction& tx,
                                                  const std::string& aggregate_id);
io::Result<CounterRow> read_counter(io::SqlTransaction& tx);
// The log after `after` read in `tx` (EventStore::read_log); take_all: the sequence bug's
// reader, which reads past holes.
io::Result<LogPage> read_log_in(io::SqlTransaction& tx, std::int64_t after, std::size_t limit,
                                bool take_all);

}  // namespace fl::events
