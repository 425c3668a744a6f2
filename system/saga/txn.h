// Transactions with bounded retries, shared by the orchestrator and the participants.
//
// run_transaction() runs `body` in a fresh transaction and commits it. A serialization failure
// (or a connection lost before COMMIT was sent: nothing committed) is retried with backoff, at
// most `max_attempts` times. An indeterminate COMMIT is returned as such: the caller must
// re-read to learn whether it happened (never assume either way).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "system/io/clock.h"
#include "system/io/sql_store.h"
#include "system/io/status.h"

namespace fl::saga {

constexpr int kMaxTxnAttempts = 8;
constexpr std::int64_t kTxnBackoffNs = 5 * io::kNsPerMs;
constexpr std::int64_t kTxnBackoffMaxNs = 200 * io::kNsPerMs;

// The body's verdict: commit, or stop without writing (e.g. the request is a duplicate).
enum class TxnAction : std::uint8_t { kCommit, kRollback };

// `body` returns ok with an action, or a non-ok Status that aborts the transaction (retried when
// it is a serialization failure). Returns ok (committed or rolled back by choice), failed
// (nothing committed), or indeterminate (COMMIT's outcome unknown).
io::Status run_transaction(io::SqlStore& sql, io::Clock& clock, io::Isolation isolation,
                           const std::function<io::Result<TxnAction>(io::SqlTransaction&)>& body,
                           int max_attempts = kMaxTxnAttempts);

// Creates every table, retrying retryable failures a bounded number of times.
io::Status create_tables(io::SqlStore& sql, io::Clock& clock,
                         const std::vector<io::TableSchema>& schemas);

// Reads one text / int column of a row (asserting its type).
const std::string& text_at(const io::Row& row, std::size_t column);
std::int64_t int_at(const io::Row& row, std::size_t column);

// 16 lowercase hex digits of v (saga ids, request hashes).
std::string hex16(std::uint64_t v);

}  // namespace fl::saga

namespace fl::saga {

// Runs `body` (returning io::Result<T>) in a committed transaction (read-write, repeatable
// read) and returns its value once committed. Indeterminate commits pass through.
template <typename T, typename F>
io::Result<T> transact(io::SqlStore& sql, io::Clock& clock, F&& body) {
  std::optional<T> out;
  io::Status status = run_transaction(sql, clock, io::Isolation::kRepeatableRead,
                                      [&](io::SqlTransaction& tx) -> io::Result<TxnAction> {
                                        out.reset();
                                        io::Result<T> r = body(tx);
                                        if (!r.is_ok()) return r.status();
                                        out = std::move(r.value());
                                        return TxnAction::kCommit;
                                      });
  if (!status.is_ok()) return status;
  FL_ASSERT(out.has_value());
  return std::move(*out);
}

// Reads with one read-committed transaction (no retries beyond one).
template <typename T, typename F>
io::Result<T> read_only(io::SqlStore& sql, F&& body) {
  auto begun = sql.begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  io::Result<T> r = body(*begun.value());
  begun.value()->rollback();
  return r;
}

// The row at `key` of `table`, converted by `from` (nullopt when there is none), read in one
// read-committed transaction.
template <typename T, typename From>
io::Result<std::optional<T>> read_row(io::SqlStore& sql, const std::string& table,
                                      const io::Key& key, From&& from) {
  return read_only<std::optional<T>>(sql,
                                     [&](io::SqlTransaction& tx) -> io::Result<std::optional<T>> {
                                       auto row = tx.get(table, key);
                                       if (!row.is_ok()) return row.status();
                                       if (!row.value()) return std::optional<T>();
                                       return std::optional<T>(from(*row.value()));
                                     });
}

// The first rows of `table` in key order (limit clamped to 1..max_rows) matching `filters`,
// each converted by `from`, read in one read-committed transaction.
template <typename T, typename From>
io::Result<std::vector<T>> read_rows(io::SqlStore& sql, const std::string& table, std::size_t limit,
                                     std::size_t max_rows, From&& from,
                                     std::vector<io::Filter> filters = {}) {
  FL_ASSERT(max_rows >= 1 && max_rows <= io::kMaxScanRows);
  return read_only<std::vector<T>>(sql, [&](io::SqlTransaction& tx) -> io::Result<std::vector<T>> {
    io::ScanSpec spec;
    spec.limit = std::min<std::size_t>(std::max<std::size_t>(limit, 1), max_rows);
    spec.filters = std::move(filters);
    auto rows = tx.scan(table, spec);
    if (!rows.is_ok()) return rows.status();
    std::vector<T> out;
    out.reserve(rows.value().size());
    for (const auto& row : rows.value()) out.push_back(from(row));
    return out;
  });
}

}  // namespace fl::saga
