// Orchestrator: starts sagas, drives them through their steps by commands to the participants,
// and compensates them when a step is refused or its outcome stays unknown.
//
// Redis (env.cache, optional) holds only facts that never change once committed: which saga an
// idempotency key started, and the views of finished sagas (saga_cache.h). PostgreSQL stays the
// truth; Redis answers retried starts and reads of finished sagas without it.
//
// Durability: every saga's state is a row of `saga_instances` in SqlStore; every state change is
// one transaction that also writes the command it implies into the outbox (`saga_outbox`,
// relayed to the EventLog by a fiber) and, for a reply, the reply's key into the inbox
// (`saga_inbox`: a reply is applied at most once). Replies come from the EventLog topic
// kReplies. Per-step timeouts live in memory; on start-up recover() re-arms one for every
// unfinished saga, so each is resumed (its command resent, same idempotency key) or compensated.
// An indeterminate COMMIT is never assumed either way: the saga row (its version) is re-read.
//
// Fibers started by run(): the outbox relay, the reply consumer, the timeout ticker.
// Thread model: one node, fibers only; methods may be called from any fiber of the node (HTTP
// handlers included).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/saga/outbox.h"
#include "system/saga/state_machine.h"

namespace fl::saga {

struct SagaRecord;      // saga_table.h (internal)
class SagaCache;        // saga_cache.h (internal)
struct SagaCacheStats;  // saga_cache.h

constexpr std::size_t kMaxIdempotencyKeyBytes = 200;
constexpr std::size_t kMaxListSagas = 1000;
constexpr std::size_t kMaxActiveSagas = 100000;
constexpr std::size_t kReplyBatch = 64;
constexpr int kMaxReplyAttempts = 20;  // per reply record; then dropped (a timeout resends)
constexpr std::size_t kMaxTimeoutsPerTick = 64;

struct SagaView;

struct OrchestratorOptions {
  std::int64_t step_timeout_ns = 1 * io::kNsPerSec;
  std::int64_t retry_backoff_ns = 200 * io::kNsPerMs;     // doubled per attempt,
  std::int64_t retry_backoff_max_ns = 2 * io::kNsPerSec;  // up to this
  std::int64_t recovery_timeout_ns = 100 * io::kNsPerMs;  // first resend after a restart
  std::int64_t tick_ns = 50 * io::kNsPerMs;               // timeout checks
  RetryLimits limits;
  // Known bugs (off by default): see docs. Inbox off: replies are applied without dedup.
  bool bug_no_inbox_dedup = false;
  // Commands are produced straight to the EventLog before the state change commits.
  bool bug_publish_outside_txn = false;
  // A step whose attempts ran out is assumed failed and not compensated.
  bool bug_compensate_unchecked = false;
  // Redis entries (the idempotency fast path, finished sagas; saga_cache.h) are written inside
  // the transaction, before its COMMIT, instead of after it.
  bool bug_cache_before_commit = false;
  // Told of every committed state change (a saga created, each transition) after its commit, for
  // observers such as the run report's saga lanes. Must not block or do IO. A change whose commit
  // was indeterminate is not told. Empty: nobody is told.
  std::function<void(const SagaView&)> on_committed;
};

struct StartSagaRequest {
  std::string type;              // a definition name: "order_processing"
  std::string data_json = "{}";  // a JSON object, at most kMaxSagaDataBytes
  // Optional; same key -> same saga (a retried POST never starts a second saga).
  std::string idempotency_key;
};

struct StartSagaResult {
  std::string saga_id;
  bool created = false;  // false: an earlier request with this key created it
};

struct SagaStepView {
  std::string name;
  StepState state = StepState::kPending;
};

struct SagaView {
  std::string saga_id;
  std::string type;
  std::string idempotency_key;
  std::string data_json;
  SagaStatus status = SagaStatus::kRunning;
  int current_step = 0;
  Direction direction = Direction::kForward;
  int attempt = 1;
  std::vector<SagaStepView> steps;
  std::string error;
  std::int64_t version = 0;          // +1 per state change
  std::int64_t created_wall_ns = 0;  // this node's wall clock: for people, not for ordering
  std::int64_t updated_wall_ns = 0;
};

struct SagaQuery {
  std::size_t limit = kMaxListSagas;
  std::string after;                 // a saga id (exclusive), "" for the first page
  std::optional<SagaStatus> status;  // only sagas in this status
};
struct SagaPage {
  std::vector<SagaView> sagas;
  std::string next;  // the `after` of the next page; "" when there is none
};

// Counters since this incarnation started (for /metrics).
struct OrchestratorStats {
  std::uint64_t started = 0, completed = 0, compensated = 0, failed = 0;
  std::uint64_t replies_applied = 0, replies_duplicate = 0, replies_stale = 0;
  std::uint64_t timeouts = 0, indeterminate_commits = 0, recovered = 0;
  std::int64_t recovery_ns = 0;  // how long the last recover() took (monotonic clock)
};

class Orchestrator {
 public:
  // REQUIRES: env.sql and env.events. Does no IO.
  explicit Orchestrator(io::Env& env, OrchestratorOptions options = {});
  ~Orchestrator();
  Orchestrator(const Orchestrator&) = delete;
  Orchestrator& operator=(const Orchestrator&) = delete;

  // Creates the tables and topics (idempotent; bounded retries).
  io::Status init();
  // init(), recover(), then starts the fibers. Returns once they are started.
  io::Status run();
  // Loads every unfinished saga and arms its timeout (resume or compensate). Called by run().
  io::Status recover();

  // ok: the saga exists (created now or earlier with the same key). failed kInvalidArgument:
  // unknown type, malformed data or key. failed otherwise: it was not created. indeterminate:
  // unknown; retry with the same key.
  io::Result<StartSagaResult> start(const StartSagaRequest& request);
  io::Result<std::optional<SagaView>> get(const std::string& saga_id);
  // A page of sagas in id order after `query.after` (exclusive; "" from the first), only those
  // in `query.status` if set (read through the status index), at most min(limit, kMaxListSagas).
  // `next` is the cursor of the following page ("" when this page was the last).
  io::Result<SagaPage> list(const SagaQuery& query);
  // Calls `visit` for every unfinished saga (running or compensating), in pages through the
  // status index: no cap on how many sagas the table holds. Stops at the first error.
  io::Status for_each_unfinished(const std::function<void(const SagaRecord&)>& visit);

  const OrchestratorStats& stats() const { return stats_; }
  SagaCacheStats cache_stats() const;
  const OrchestratorOptions& options() const { return options_; }

  // The tables this service owns.
  static std::vector<io::TableSchema> schemas();
  // Counts sagas in `status` through the status index, stopping at `cap` (a metric's bound).
  io::Result<std::size_t> count(SagaStatus status, std::size_t cap);

 private:
  struct Armed {
    std::int64_t version = 0;
    std::int64_t deadline_ns = 0;  // monotonic
  };
  struct Applied;  // orchestrator_drive.cc
  void consume_replies();
  void tick_timeouts();
  void handle_reply(const Reply& reply);
  void handle_timeout(const std::string& saga_id, std::int64_t version);
  // One state change in one transaction (a reply when `reply` is set, else a timeout of the
  // given version). Returns the commit's outcome.
  io::Status transition(const std::string& saga_id, std::int64_t expected_version,
                        const Reply* reply, Applied* applied);
  // Writes the command to the outbox (or, with the known bug, produces it at once).
  io::Status send_command(io::SqlTransaction& tx, const Command& command, int attempt);
  io::Result<std::optional<SagaRecord>> read_saga(const std::string& saga_id);
  void after_transition(const SagaRecord& record);
  void arm_at(const std::string& saga_id, std::int64_t version, std::int64_t timeout_ns);
  // Re-reads the saga and re-arms its timeout from what the store says (never assumes).
  void rearm_from_store(const std::string& saga_id);
  std::int64_t timeout_for(int attempt) const;

  io::Env& env_;
  OrchestratorOptions options_;
  Outbox outbox_;
  OrchestratorStats stats_;
  std::map<std::string, Armed> armed_;  // unfinished sagas -> their current timeout
  std::unique_ptr<SagaCache> cache_;    // never null (without Redis every lookup misses)
};

}  // namespace fl::saga
