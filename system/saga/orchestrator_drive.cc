// Orchestrator, the driving half: applying replies and timeouts to sagas, one transaction per
// state change, with the command it implies written to the outbox in the same transaction.
#include <algorithm>

#include "system/saga/orchestrator.h"
#include "system/saga/participant.h"
#include "system/saga/saga_cache.h"
#include "system/saga/saga_table.h"
#include "system/saga/txn.h"

namespace fl::saga {

struct Orchestrator::Applied {
  bool changed = false;    // the saga moved (and `after` is its new state)
  bool duplicate = false;  // the inbox had this reply already
  SagaRecord after;
};

std::int64_t Orchestrator::timeout_for(int attempt) const {
  FL_ASSERT(attempt >= 1);
  const int shift = std::min(attempt - 1, 20);
  const std::int64_t backoff =
      std::min(options_.retry_backoff_ns << shift, options_.retry_backoff_max_ns);
  return options_.step_timeout_ns + backoff;
}

void Orchestrator::arm_at(const std::string& saga_id, std::int64_t version,
                          std::int64_t timeout_ns) {
  auto it = armed_.find(saga_id);
  if (it != armed_.end() && it->second.version > version) return;  // a newer state is armed
  FL_ASSERT_LE(armed_.size(), kMaxActiveSagas);
  armed_[saga_id] = {version, env_.clock.monotonic_ns() + timeout_ns};
}

void Orchestrator::after_transition(const SagaRecord& record) {
  if (options_.on_committed) options_.on_committed(record.view);
  const SagaState& s = record.state;
  if (!is_final(s.status)) {
    arm_at(record.view.saga_id, record.view.version, timeout_for(s.attempt));
    return;
  }
  cache_->remember_finished(record);  // committed: from now on a fact
  auto it = armed_.find(record.view.saga_id);
  if (it != armed_.end() && it->second.version <= record.view.version) armed_.erase(it);
  if (s.status == SagaStatus::kCompleted) ++stats_.completed;
  if (s.status == SagaStatus::kCompensated) ++stats_.compensated;
  if (s.status == SagaStatus::kFailed) ++stats_.failed;
}

void Orchestrator::rearm_from_store(const std::string& saga_id) {
  auto read = read_saga(saga_id);
  if (!read.is_ok()) {  // cannot tell now: look again after a backoff
    auto it = armed_.find(saga_id);
    if (it != armed_.end()) it->second.deadline_ns = env_.clock.monotonic_ns() + timeout_for(1);
    return;
  }
  if (!read.value()) {
    armed_.erase(saga_id);
    return;
  }
  const SagaRecord& record = *read.value();
  if (is_final(record.state.status)) {
    armed_.erase(saga_id);
    return;
  }
  armed_[saga_id] = {record.view.version,
                     env_.clock.monotonic_ns() + timeout_for(record.state.attempt)};
}

io::Status Orchestrator::send_command(io::SqlTransaction& tx, const Command& command, int attempt) {
  const std::string payload = encode(command);
  const SagaDefinition* definition = nullptr;
  (void)definition;
  const std::string topic = command.action == "reserve" || command.action == "release"
                                ? kInventoryCommands
                            : command.action == "notify" ? kNotificationCommands
                                                         : kPaymentCommands;
  if (options_.bug_publish_outside_txn) {
    // Known bug: the command leaves before the state change commits (or even if it never does).
    (void)env_.events->produce(topic, command.saga_id, payload);
    return io::Status::ok();
  }
  return outbox_.append(tx, {command.idempotency_key + "#" + std::to_string(attempt), topic,
                             command.saga_id, payload});
}

io::Status Orchestrator::transition(const std::string& saga_id, std::int64_t expected_version,
                                    const Reply* reply, Applied* applied) {
  const bool use_inbox = reply != nullptr && !options_.bug_no_inbox_dedup;
  const StateMachineBugs bugs{options_.bug_compensate_unchecked, options_.bug_no_inbox_dedup};
  return run_transaction(
      *env_.sql, env_.clock, io::Isolation::kRepeatableRead,
      [&](io::SqlTransaction& tx) -> io::Result<TxnAction> {
        *applied = Applied{};
        if (use_inbox) {
          auto seen = tx.get(kInboxTable, {reply->idempotency_key});
          if (!seen.is_ok()) return seen.status();
          applied->duplicate = seen.value().has_value();
          if (applied->duplicate) return TxnAction::kRollback;
        }
        auto row = tx.get(kSagaTable, {saga_id});
        if (!row.is_ok()) return row.status();
        if (!row.value()) return TxnAction::kRollback;
        auto record = from_row(*row.value());
        FL_ASSERT_MSG(record.has_value(), "corrupt saga row " << saga_id);
        const std::int64_t version = record->view.version;
        if (reply == nullptr && version != expected_version) return TxnAction::kRollback;
        const SagaDefinition* definition = find_definition(record->view.type);
        FL_ASSERT(definition != nullptr);
        const Transition t =
            reply ? apply_reply(*definition, options_.limits, bugs, *reply, &record->state)
                  : apply_timeout(*definition, options_.limits, bugs, &record->state);
        if (!t.changed) return TxnAction::kRollback;  // stale: stays stale (states only advance)
        if (use_inbox) {
          if (io::Status s = tx.insert(kInboxTable, {reply->idempotency_key, saga_id});
              !s.is_ok()) {
            return s;
          }
        }
        record->view.version = version + 1;
        record->view.updated_wall_ns = env_.clock.wall_ns();
        sync_view(&*record);
        const io::Row new_row = to_row(*record);
        std::vector<io::Assignment> sets;
        for (std::size_t c = kColStatus; c <= kColUpdated; ++c) sets.push_back({c, new_row[c]});
        auto updated =
            tx.update(kSagaTable, {saga_id}, {{kColVersion, io::CompareOp::kEq, version}}, sets);
        if (!updated.is_ok()) return updated.status();
        if (!updated.value()) {
          return io::Status::failed(io::ErrorKind::kSerialization, "saga moved concurrently", true);
        }
        if (t.send) {
          const Command command =
              definition->command(saga_id, record->view.data_json, t.step, t.direction);
          if (io::Status s = send_command(tx, command, record->state.attempt); !s.is_ok()) return s;
        }
        if (options_.bug_cache_before_commit && is_final(record->state.status)) {
          cache_->remember_finished(*record);  // known bug: the COMMIT may still fail
        }
        applied->changed = true;
        applied->after = std::move(*record);
        return TxnAction::kCommit;
      });
}

void Orchestrator::handle_reply(const Reply& reply) {
  bool uncertain = false;
  for (int attempt = 1; attempt <= kMaxReplyAttempts; ++attempt) {
    Applied applied;
    io::Status status = transition(reply.saga_id, -1, &reply, &applied);
    if (status.is_ok()) {
      if (applied.duplicate) ++stats_.replies_duplicate;
      if (!applied.duplicate && !applied.changed) ++stats_.replies_stale;
      if (applied.changed) {
        ++stats_.replies_applied;
        after_transition(applied.after);
      }
      if (uncertain && !applied.changed) rearm_from_store(reply.saga_id);
      return;
    }
    // Indeterminate: maybe applied. The next attempt reads the inbox first and finds out.
    if (status.is_indeterminate()) {
      ++stats_.indeterminate_commits;
      uncertain = true;
    }
    env_.clock.sleep_ns(std::min<std::int64_t>(kCommandRetryBackoffNs << std::min(attempt, 10),
                                               kCommandRetryBackoffMaxNs));
  }
  // Dropped: if it was not applied, the step's timeout resends the command and the participant
  // answers again with its recorded reply.
  if (uncertain) rearm_from_store(reply.saga_id);
}

void Orchestrator::handle_timeout(const std::string& saga_id, std::int64_t version) {
  ++stats_.timeouts;
  Applied applied;
  io::Status status = transition(saga_id, version, nullptr, &applied);
  if (status.is_ok() && applied.changed) {
    after_transition(applied.after);
    return;
  }
  if (status.is_indeterminate()) ++stats_.indeterminate_commits;
  if (status.is_failed()) {
    arm_at(saga_id, version, options_.retry_backoff_ns);
    return;
  }
  rearm_from_store(saga_id);  // stale version, or an unknown commit: read what happened
}

void Orchestrator::tick_timeouts() {
  for (;;) {  // until the node dies
    env_.clock.sleep_ns(options_.tick_ns);
    const std::int64_t now = env_.clock.monotonic_ns();
    std::vector<std::pair<std::string, std::int64_t>> due;
    for (const auto& [saga_id, armed] : armed_) {
      if (armed.deadline_ns <= now) due.push_back({saga_id, armed.version});
      if (due.size() == kMaxTimeoutsPerTick) break;
    }
    for (const auto& [saga_id, version] : due) {
      auto it = armed_.find(saga_id);
      if (it == armed_.end() || it->second.version != version) continue;  // moved meanwhile
      it->second.deadline_ns = now + timeout_for(1);  // not twice while this one runs
      handle_timeout(saga_id, version);
    }
  }
}

void Orchestrator::consume_replies() {
  FL_ASSERT(env_.events != nullptr);
  io::Status subscribed = io::Status::failed(io::ErrorKind::kInternal, "not yet");
  for (int attempt = 0; attempt < kMaxSubscribeAttempts && !subscribed.is_ok(); ++attempt) {
    subscribed = env_.events->subscribe("saga-orchestrator", {kReplies});
    if (!subscribed.is_ok()) env_.clock.sleep_ns(kCommandRetryBackoffMaxNs / 10);
  }
  FL_ASSERT_MSG(subscribed.is_ok(), "cannot subscribe: " << subscribed.to_string());
  for (;;) {  // until the node dies
    auto polled = env_.events->poll(kReplyBatch, env_.clock.deadline_after_ns(kPollWaitNs));
    if (!polled.is_ok()) {
      env_.clock.sleep_ns(kCommandRetryBackoffNs);
      continue;
    }
    FL_ASSERT_LE(polled.value().size(), kReplyBatch);
    std::map<io::TopicPartition, std::int64_t> next;
    for (const auto& record : polled.value()) {
      auto reply = decode_reply(record.value);
      if (reply.is_ok()) handle_reply(reply.value());
      next[{record.topic, record.partition}] = record.offset + 1;
    }
    if (!next.empty()) (void)env_.events->commit(next);  // failure: redelivery, deduplicated
  }
}

}  // namespace fl::saga
