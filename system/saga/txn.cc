#include "system/saga/txn.h"

#include <algorithm>
#include <cstdio>

namespace fl::saga {

io::Status run_transaction(io::SqlStore& sql, io::Clock& clock, io::Isolation isolation,
                           const std::function<io::Result<TxnAction>(io::SqlTransaction&)>& body,
                           int max_attempts) {
  FL_ASSERT(max_attempts >= 1);
  std::int64_t backoff_ns = kTxnBackoffNs;
  io::Status last = io::Status::failed(io::ErrorKind::kInternal, "no attempt");
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    if (attempt > 1) {
      clock.sleep_ns(backoff_ns);
      backoff_ns = std::min(backoff_ns * 2, kTxnBackoffMaxNs);
    }
    auto begun = sql.begin(isolation);
    if (!begun.is_ok()) {
      last = begun.status();
      if (last.retryable()) continue;
      return last;
    }
    io::SqlTransaction& tx = *begun.value();
    auto action = body(tx);
    if (!action.is_ok()) {
      tx.rollback();
      last = action.status();
      FL_ASSERT(!last.is_indeterminate());  // statements before COMMIT never are
      if (last.retryable() || last.kind() == io::ErrorKind::kSerialization ||
          last.kind() == io::ErrorKind::kConnectionLost) {
        continue;
      }
      return last;
    }
    if (action.value() == TxnAction::kRollback) {
      tx.rollback();
      return io::Status::ok();
    }
    io::Status committed = tx.commit();
    if (committed.is_ok() || committed.is_indeterminate()) return committed;
    last = committed;
    if (!last.retryable() && last.kind() != io::ErrorKind::kSerialization &&
        last.kind() != io::ErrorKind::kConnectionLost) {
      return last;
    }
  }
  return last;
}

io::Status create_tables(io::SqlStore& sql, io::Clock& clock,
                         const std::vector<io::TableSchema>& schemas) {
  for (const auto& schema : schemas) {
    io::Status status = io::Status::ok();
    std::int64_t backoff_ns = kTxnBackoffNs;
    for (int attempt = 1; attempt <= kMaxTxnAttempts * 4; ++attempt) {
      status = sql.create_table(schema);
      if (status.is_ok() || !(status.retryable() || status.is_indeterminate())) break;
      clock.sleep_ns(backoff_ns);
      backoff_ns = std::min(backoff_ns * 2, kTxnBackoffMaxNs);
    }
    if (!status.is_ok()) return status;
  }
  return io::Status::ok();
}

const std::string& text_at(const io::Row& row, std::size_t column) {
  FL_ASSERT_LT(column, row.size());
  FL_ASSERT(std::holds_alternative<std::string>(row[column]));
  return std::get<std::string>(row[column]);
}

std::int64_t int_at(const io::Row& row, std::size_t column) {
  FL_ASSERT_LT(column, row.size());
  FL_ASSERT(std::holds_alternative<std::int64_t>(row[column]));
  return std::get<std::int64_t>(row[column]);
}

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace fl::saga
