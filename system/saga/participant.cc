#include "system/saga/participant.h"

#include <algorithm>
#include <map>

#include "system/saga/txn.h"

namespace fl::saga {
namespace {

// Applies one record with bounded retries. A malformed record is skipped (logged by the caller's
// counters in a later version); a record that keeps failing is dropped: the orchestrator's
// timeout sends the command again.
void apply_record(io::Env& env, const io::EventRecord& record, const CommandApplier& apply) {
  auto command = decode_command(record.value);
  if (!command.is_ok()) return;
  std::int64_t backoff_ns = kCommandRetryBackoffNs;
  for (int attempt = 1; attempt <= kMaxCommandAttempts; ++attempt) {
    io::Status status = apply(command.value());
    // Indeterminate: the transaction may have committed; applying again re-reads the key and
    // either finds it (and re-sends the recorded reply) or applies it now.
    if (status.is_ok()) return;
    if (status.is_failed() && status.kind() == io::ErrorKind::kInvalidArgument) return;
    env.clock.sleep_ns(backoff_ns);
    backoff_ns = std::min(backoff_ns * 2, kCommandRetryBackoffMaxNs);
  }
}

}  // namespace

void consume_commands(io::Env& env, const std::string& group, const std::string& topic,
                      const CommandApplier& apply) {
  FL_ASSERT(env.events != nullptr);
  io::Status subscribed = io::Status::failed(io::ErrorKind::kInternal, "not yet");
  for (int attempt = 0; attempt < kMaxSubscribeAttempts && !subscribed.is_ok(); ++attempt) {
    subscribed = env.events->subscribe(group, {topic});
    if (!subscribed.is_ok()) env.clock.sleep_ns(kCommandRetryBackoffMaxNs / 10);
  }
  FL_ASSERT_MSG(subscribed.is_ok(), "cannot subscribe " << group << ": " << subscribed.to_string());
  for (;;) {  // until the node dies
    auto polled = env.events->poll(kCommandBatch, env.clock.deadline_after_ns(kPollWaitNs));
    if (!polled.is_ok()) {
      env.clock.sleep_ns(kCommandRetryBackoffNs);
      continue;
    }
    FL_ASSERT_LE(polled.value().size(), kCommandBatch);
    std::map<io::TopicPartition, std::int64_t> next;
    for (const auto& record : polled.value()) {
      apply_record(env, record, apply);
      next[{record.topic, record.partition}] = record.offset + 1;
    }
    // A failed commit (a rebalance) only means redelivery, which apply tolerates.
    if (!next.empty()) (void)env.events->commit(next);
  }
}

Reply reply_to(const Command& command, bool ok, std::string reason) {
  Reply reply;
  reply.saga_id = command.saga_id;
  reply.step = command.step;
  reply.direction = command.direction;
  reply.idempotency_key = command.idempotency_key;
  reply.ok = ok;
  reply.reason = std::move(reason);
  return reply;
}

OutboxMessage reply_message(const Reply& reply, const std::string& copy_tag) {
  FL_ASSERT(!copy_tag.empty());
  return {reply.idempotency_key + "#" + copy_tag, kReplies, reply.saga_id, encode(reply)};
}

io::Status create_topics(io::Env& env, const std::vector<std::string>& topics) {
  FL_ASSERT(env.events != nullptr);
  for (const auto& topic : topics) {
    io::Status status = io::Status::ok();
    for (int attempt = 0; attempt < kMaxCommandAttempts; ++attempt) {
      status = env.events->create_topic(topic, kTopicPartitions);
      if (status.is_ok() || status.kind() == io::ErrorKind::kConstraint) break;
      env.clock.sleep_ns(kCommandRetryBackoffMaxNs / 10);
    }
    if (!status.is_ok()) return status;
  }
  return io::Status::ok();
}

Participant::Participant(io::Env& env, ParticipantWiring wiring,
                         std::vector<io::TableSchema> schemas)
    : env_(env),
      outbox_(wiring.outbox_table),
      wiring_(std::move(wiring)),
      schemas_(std::move(schemas)) {
  FL_ASSERT(env.sql != nullptr && !wiring_.name.empty() && !wiring_.commands_topic.empty());
  FL_ASSERT(!schemas_.empty());
}

io::Status Participant::init() {
  io::Status tables = create_tables(*env_.sql, env_.clock, schemas_);
  if (!tables.is_ok() || env_.events == nullptr) return tables;
  return create_topics(env_, {wiring_.commands_topic, kReplies});
}

io::Status Participant::run() {
  FL_ASSERT(env_.events != nullptr);
  if (io::Status s = init(); !s.is_ok()) return s;
  env_.tasks.spawn(wiring_.name + " outbox relay", [this] { outbox_.relay_forever(env_); });
  env_.tasks.spawn(wiring_.name + " commands", [this] {
    consume_commands(env_, wiring_.name, wiring_.commands_topic,
                     [this](const Command& c) { return apply_command(c); });
  });
  return io::Status::ok();
}

}  // namespace fl::saga
