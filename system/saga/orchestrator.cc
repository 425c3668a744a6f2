// Orchestrator: start-up, recovery, starting sagas and reading them. The driving half (replies,
// timeouts, transitions) is in orchestrator_drive.cc.
#include "system/saga/orchestrator.h"

#include "system/saga/participant.h"
#include "system/saga/saga_cache.h"
#include "system/saga/saga_table.h"
#include "system/saga/txn.h"

namespace fl::saga {
namespace {

constexpr int kMaxStartAttempts = 4;
constexpr std::size_t kRecoverPageRows = 1000;
constexpr int kMaxReadAttempts = 4;

}  // namespace

Orchestrator::Orchestrator(io::Env& env, OrchestratorOptions options)
    : env_(env),
      options_(options),
      outbox_(kSagaOutboxTable),
      cache_(std::make_unique<SagaCache>(env.cache, env.clock)) {
  FL_ASSERT(env.sql != nullptr);
  FL_ASSERT(options_.step_timeout_ns > 0 && options_.tick_ns > 0);
  FL_ASSERT(options_.limits.max_forward_attempts >= 1);
  FL_ASSERT(options_.limits.max_compensation_attempts >= 1);
  FL_ASSERT(options_.limits.max_pivot_attempts >= 1);
}

Orchestrator::~Orchestrator() = default;

SagaCacheStats Orchestrator::cache_stats() const { return cache_->stats(); }

std::vector<io::TableSchema> Orchestrator::schemas() {
  return {saga_schema(), inbox_schema(), Outbox(kSagaOutboxTable).schema()};
}

io::Status Orchestrator::init() {
  io::Status tables = create_tables(*env_.sql, env_.clock, schemas());
  if (!tables.is_ok() || env_.events == nullptr) return tables;
  return create_topics(env_,
                       {kInventoryCommands, kPaymentCommands, kNotificationCommands, kReplies});
}

io::Status Orchestrator::run() {
  FL_ASSERT(env_.events != nullptr);
  io::Status ready = init();
  if (ready.is_ok()) ready = recover();
  if (!ready.is_ok()) return ready;
  env_.tasks.spawn("saga outbox relay", [this] { outbox_.relay_forever(env_); });
  env_.tasks.spawn("saga replies", [this] { consume_replies(); });
  env_.tasks.spawn("saga timeouts", [this] { tick_timeouts(); });
  return io::Status::ok();
}

io::Status Orchestrator::recover() {
  const std::int64_t began_ns = env_.clock.monotonic_ns();
  io::Status status = for_each_unfinished([this](const SagaRecord& record) {
    // Resume: the first resend comes soon; its outcome decides resume or compensate.
    armed_[record.view.saga_id] = {record.view.version,
                                   env_.clock.monotonic_ns() + options_.recovery_timeout_ns};
    ++stats_.recovered;
  });
  if (status.is_ok() && armed_.size() > kMaxActiveSagas) {
    return io::Status::failed(io::ErrorKind::kInternal,
                              "more than " + std::to_string(kMaxActiveSagas) +
                                  " unfinished sagas to recover (kMaxActiveSagas)");
  }
  stats_.recovery_ns = env_.clock.monotonic_ns() - began_ns;
  return status;
}

io::Result<StartSagaResult> Orchestrator::start(const StartSagaRequest& request) {
  const SagaDefinition* definition = find_definition(request.type);
  auto invalid = [](std::string why) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, std::move(why));
  };
  if (definition == nullptr) return invalid("unknown saga type: " + request.type.substr(0, 64));
  if (request.idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    return invalid("idempotency_key: longer than 200 bytes");
  }
  const std::string data = request.data_json.empty() ? "{}" : request.data_json;
  if (std::string why = definition->validate(data); !why.empty()) return invalid(why);
  SagaRecord record;
  record.view.saga_id =
      "saga-" + hex16(request.idempotency_key.empty() ? env_.random.next_u64()
                                                      : io::hash_bytes(request.idempotency_key));
  record.view.type = definition->type();
  record.view.idempotency_key =
      request.idempotency_key.empty() ? record.view.saga_id : request.idempotency_key;
  record.view.data_json = data;
  record.view.version = 1;
  record.view.created_wall_ns = env_.clock.wall_ns();
  record.view.updated_wall_ns = record.view.created_wall_ns;
  record.state = initial_state(*definition);
  sync_view(&record);
  // The fast path: a retried request whose start Redis knows committed needs no transaction.
  if (auto known = cache_->started(request.idempotency_key, record.view.type, data)) {
    if (*known == record.view.saga_id) return StartSagaResult{*known, false};
  }
  const Command first = definition->command(record.view.saga_id, data, 0, Direction::kForward);
  io::Status last = io::Status::ok();
  bool uncertain = false;  // some attempt's COMMIT had an unknown outcome
  for (int attempt = 1; attempt <= kMaxStartAttempts; ++attempt) {
    bool existed = false;
    bool other_key = false;
    last = run_transaction(*env_.sql, env_.clock, io::Isolation::kRepeatableRead,
                           [&](io::SqlTransaction& tx) -> io::Result<TxnAction> {
                             auto found = tx.get(kSagaTable, {record.view.saga_id});
                             if (!found.is_ok()) return found.status();
                             existed = found.value().has_value();
                             if (existed) {
                               other_key =
                                   text_at(*found.value(), kColKey) != record.view.idempotency_key;
                               return TxnAction::kRollback;
                             }
                             if (io::Status s = tx.insert(kSagaTable, to_row(record)); !s.is_ok())
                               return s;
                             if (io::Status s = send_command(tx, first, 1); !s.is_ok()) return s;
                             if (options_.bug_cache_before_commit) {  // known bug: see header
                               cache_->remember_start(request.idempotency_key, record.view.type,
                                                      data, record.view.saga_id);
                             }
                             return TxnAction::kCommit;
                           });
    // Indeterminate: try again; the next attempt reads whether the saga exists (an insert of
    // the same id cannot commit twice), so we never assume.
    if (last.is_indeterminate()) {
      ++stats_.indeterminate_commits;
      uncertain = true;
      continue;
    }
    // A concurrent start with the same key (a retried or duplicated request) won the insert:
    // the next attempt reads its saga.
    if (last.is_failed() && last.kind() == io::ErrorKind::kConstraint) continue;
    // After an unknown commit, a later failure does not prove the saga absent.
    if (!last.is_ok() && uncertain) {
      return io::Status::indeterminate(last.kind(), "start unknown: " + last.message());
    }
    if (!last.is_ok()) return last;
    if (other_key) return io::Status::failed(io::ErrorKind::kConstraint, "saga id collision");
    if (!existed) {
      ++stats_.started;
      cache_->remember_start(request.idempotency_key, record.view.type, data, record.view.saga_id);
      if (options_.on_committed) options_.on_committed(record.view);
      arm_at(record.view.saga_id, record.view.version, timeout_for(1));
    }
    return StartSagaResult{record.view.saga_id, !existed};
  }
  return last;
}

io::Result<std::optional<SagaView>> Orchestrator::get(const std::string& saga_id) {
  if (saga_id.empty() || saga_id.size() > kMaxIdempotencyKeyBytes) {
    return std::optional<SagaView>();
  }
  if (auto finished = cache_->finished(saga_id)) return std::optional<SagaView>(finished->view);
  auto read = read_saga(saga_id);
  if (!read.is_ok()) return read.status();
  if (!read.value()) return std::optional<SagaView>();
  if (is_final(read.value()->state.status)) cache_->remember_finished(*read.value());
  return std::optional<SagaView>(read.value()->view);
}

io::Result<std::optional<SagaRecord>> Orchestrator::read_saga(const std::string& saga_id) {
  io::Status last = io::Status::ok();
  for (int attempt = 0; attempt < kMaxReadAttempts; ++attempt) {
    auto begun = env_.sql->begin(io::Isolation::kReadCommitted);
    if (!begun.is_ok()) {
      last = begun.status();
      continue;
    }
    auto row = begun.value()->get(kSagaTable, {saga_id});
    if (!row.is_ok()) {
      last = row.status();
      continue;
    }
    begun.value()->rollback();
    if (!row.value()) return std::optional<SagaRecord>();
    auto record = from_row(*row.value());
    FL_ASSERT_MSG(record.has_value(), "corrupt saga row " << saga_id);
    return std::optional<SagaRecord>(std::move(*record));
  }
  return last;
}

io::Result<SagaPage> Orchestrator::list(const SagaQuery& query) {
  auto page = read_page(*env_.sql, query);
  if (!page.is_ok()) return page.status();
  SagaPage out;
  for (SagaRecord& record : page.value().records) out.sagas.push_back(std::move(record.view));
  out.next = page.value().next;
  return out;
}

io::Status Orchestrator::for_each_unfinished(const std::function<void(const SagaRecord&)>& visit) {
  for (SagaStatus status : {SagaStatus::kRunning, SagaStatus::kCompensating}) {
    SagaQuery query{kRecoverPageRows, "", status};
    // Each page moves the cursor forward; the table is finite, so this ends (no total cap).
    for (;;) {
      auto page = read_page(*env_.sql, query);
      if (!page.is_ok()) return page.status();
      for (const SagaRecord& record : page.value().records) visit(record);
      if (page.value().next.empty()) break;
      FL_ASSERT_LT(query.after, page.value().next);
      query.after = page.value().next;
    }
  }
  return io::Status::ok();
}

io::Result<std::size_t> Orchestrator::count(SagaStatus status, std::size_t cap) {
  SagaQuery query{kRecoverPageRows, "", status};
  std::size_t n = 0;
  while (n < cap) {
    auto page = read_page(*env_.sql, query);
    if (!page.is_ok()) return page.status();
    n += page.value().records.size();
    if (page.value().next.empty()) break;
    query.after = page.value().next;
  }
  return std::min(n, cap);
}

}  // namespace fl::saga
