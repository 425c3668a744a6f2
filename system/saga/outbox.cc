#include "system/saga/outbox.h"

#include <algorithm>

#include "system/saga/txn.h"

namespace fl::saga {
namespace {
enum Col : std::size_t { kId, kTopic, kKey, kPayload };
}  // namespace

io::TableSchema Outbox::schema() const {
  return {table_,
          {{"id", io::ColumnType::kText},
           {"topic", io::ColumnType::kText},
           {"msg_key", io::ColumnType::kText},
           {"payload", io::ColumnType::kText}},
          {kId}};
}

io::Status Outbox::append(io::SqlTransaction& tx, const OutboxMessage& m) const {
  FL_ASSERT(!m.id.empty() && !m.topic.empty());
  FL_ASSERT_LE(m.payload.size(), io::kMaxEventBytes);
  return tx.upsert(table_, {m.id, m.topic, m.key, m.payload});
}

io::Result<std::size_t> Outbox::relay_once(io::Env& env) const {
  FL_ASSERT(env.sql != nullptr && env.events != nullptr);
  auto begun = env.sql->begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  io::ScanSpec spec;
  spec.limit = kRelayBatch;
  auto rows = begun.value()->scan(table_, spec);
  if (!rows.is_ok()) return rows.status();
  begun.value()->rollback();
  FL_ASSERT_LE(rows.value().size(), kRelayBatch);
  std::vector<io::Key> produced;
  io::Status stopped = io::Status::ok();
  for (const io::Row& row : rows.value()) {
    auto at = env.events->produce(text_at(row, kTopic), text_at(row, kKey), text_at(row, kPayload));
    if (!at.is_ok()) {  // failed or indeterminate: keep the row, produce it again later
      stopped = at.status();
      break;
    }
    produced.push_back({text_at(row, kId)});
  }
  if (!produced.empty()) {
    io::Status deleted = run_transaction(*env.sql, env.clock, io::Isolation::kReadCommitted,
                                         [&](io::SqlTransaction& tx) -> io::Result<TxnAction> {
                                           for (const auto& key : produced) {
                                             auto removed = tx.remove(table_, key);
                                             if (!removed.is_ok()) return removed.status();
                                           }
                                           return TxnAction::kCommit;
                                         });
    // Not deleted (or unknown): the rows are produced again later; consumers deduplicate.
    if (!deleted.is_ok()) return deleted;
  }
  if (!stopped.is_ok() && produced.empty()) return stopped;
  return produced.size();
}

void Outbox::relay_forever(io::Env& env) const {
  // One pass per iteration; the node's crash ends the loop (NodeCrashed unwinds it).
  for (;;) {
    auto passed = relay_once(env);
    if (!passed.is_ok()) {
      env.clock.sleep_ns(kRelayErrorBackoffNs);
    } else if (passed.value() < kRelayBatch) {
      env.clock.sleep_ns(kRelayIdleNs);
    } else {
      env.tasks.yield();
    }
  }
}

}  // namespace fl::saga
