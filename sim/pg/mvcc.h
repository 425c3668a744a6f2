// MvccEngine: the storage and concurrency core of the simulated PostgreSQL. Pure logic, no
// fibers and no time: an operation returns a result, an error, or "blocked on transaction X"
// (a row lock held by X); the caller waits for X to finish and retries the same operation.
//
// Semantics modelled on PostgreSQL 15 (see system/io/sql_store.h for the contract):
//  - versions carry xmin/xmax; visibility by commit sequence number (CSN) snapshots;
//  - read committed: a snapshot per statement; an UPDATE/DELETE that finds its row changed by a
//    concurrent committed transaction re-checks its conditions on the newest version
//    (EvalPlanQual), and skips a row deleted meanwhile;
//  - repeatable read: one snapshot per transaction; writing a row changed by a transaction that
//    committed after the snapshot is a serialization failure (first updater wins);
//  - serializable: repeatable read plus SSI (ssi.cc): rw-antidependencies between concurrent
//    serializable transactions; a commit that completes a dangerous structure fails;
//  - unique keys: an insert over a live row is a constraint violation; over an uncommitted
//    insert it waits for the inserter;
//  - deadlocks (a wait cycle) fail the transaction that would close the cycle (40P01).
// The commit log (every committed transaction's writes, in CSN order) feeds replicas.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "system/io/sql_store.h"

namespace fl::sim::pg {

using TxId = std::uint64_t;
using Csn = std::uint64_t;

// The outcome of one engine operation.
template <typename T>
struct Op {
  std::optional<io::Result<T>> done;  // set unless blocked
  TxId blocked_on = 0;                // set when the caller must wait for this transaction

  static Op wait(TxId tx) { return Op{std::nullopt, tx}; }
  static Op ok(T value) { return Op{io::Result<T>(std::move(value)), 0}; }
  static Op fail(io::Status status) { return Op{io::Result<T>(std::move(status)), 0}; }
};
struct Unit {};

struct Write {
  std::string table;
  io::Key key;
  std::optional<io::Row> row;  // nullopt: deleted
};
struct CommitRecord {
  Csn csn = 0;
  TxId tx = 0;
  std::vector<Write> writes;
};

class MvccEngine {
 public:
  static constexpr std::size_t kMaxActiveTx = 10000;
  // A row's version chain is vacuumed each time it grows by kMaxVersionsPerKey versions past a
  // multiple of it: chains stay short normally, and vacuuming stays cheap per write even when an
  // old snapshot keeps many versions alive (an idle-in-transaction session in PostgreSQL).
  static constexpr std::size_t kMaxVersionsPerKey = 64;
  // Versions an old snapshot may keep alive on one row; beyond it the model gives up (assert).
  static constexpr std::size_t kMaxLiveVersionsPerKey = 1 << 20;

  MvccEngine() = default;

  io::Status create_table(const io::TableSchema& schema);
  const io::TableSchema* schema(const std::string& table) const;

  TxId begin(io::Isolation isolation);
  // `fresh` is true on the first attempt of a statement, false on its retries after a wait
  // (read committed keeps the statement's snapshot across them).
  Op<std::optional<io::Row>> get(TxId tx, const std::string& table, const io::Key& key);
  Op<Unit> insert(TxId tx, const std::string& table, const io::Row& row, bool fresh);
  Op<Unit> upsert(TxId tx, const std::string& table, const io::Row& row, bool fresh);
  Op<bool> update(TxId tx, const std::string& table, const io::Key& key,
                  const std::vector<io::Filter>& conditions,
                  const std::vector<io::Assignment>& assignments, bool fresh);
  Op<bool> remove(TxId tx, const std::string& table, const io::Key& key, bool fresh);
  Op<std::vector<io::Row>> scan(TxId tx, const std::string& table, const io::ScanSpec& spec);
  io::Status commit(TxId tx);
  void abort(TxId tx);
  bool active(TxId tx) const;
  // Records that `tx` waits for `holder`; fails if that closes a cycle (a deadlock).
  io::Status note_wait(TxId tx, TxId holder);
  void clear_wait(TxId tx) { waits_for_.erase(tx); }

  // Every live transaction is aborted (the server crashed or restarted).
  void abort_all();
  // Replica side: applies a primary's committed transaction as committed versions.
  void apply_committed(const CommitRecord& record);
  const std::vector<CommitRecord>& commit_log() const { return log_; }
  Csn last_csn() const { return last_csn_; }
  std::size_t active_count() const { return active_.size(); }
  // Local transaction ids start here (replicas: keep clear of the primary's ids).
  void use_tx_ids_from(TxId base) { next_tx_ = std::max(next_tx_, base); }
  TxId next_tx_id() const { return next_tx_; }
  std::vector<io::TableSchema> schemas() const;
  // Rebuilds from durable state after a crash: the tables, and the committed transactions up to
  // CSN `upto` (what the WAL had flushed). Everything else is gone.
  static MvccEngine recover(const MvccEngine& crashed, Csn upto);

 private:
  struct Version {
    TxId xmin = 0;
    TxId xmax = 0;  // 0: not deleted or superseded
    io::Row row;
  };
  struct Table {
    io::TableSchema schema;
    std::map<io::Key, std::vector<Version>> rows;  // per key, oldest to newest
    // Per secondary index: the order tuple (io::order_key) of every version not yet vacuumed,
    // as PostgreSQL's index holds an entry per heap tuple; a scan re-checks each entry against
    // the version it sees (an entry of an older or newer version of the row is skipped).
    std::map<std::string, std::set<io::Key>> index_entries;
  };
  struct RangeRead {
    std::string table;
    std::optional<io::Key> from, until;
  };
  struct Tx {
    io::Isolation isolation = io::Isolation::kReadCommitted;
    bool has_snapshot = false;
    Csn snapshot = 0;
    Csn stmt_snapshot = 0;
    bool failed = false;
    std::vector<Write> writes;
    // SSI bookkeeping (serializable only).
    std::set<std::pair<std::string, io::Key>> reads;
    std::vector<RangeRead> ranges;
    bool in_conflict = false, out_conflict = false;
  };
  struct Finished {
    bool committed = false;
    Csn csn = 0;
  };
  struct SerialRecord {  // a committed serializable transaction, kept for SSI
    TxId tx = 0;
    Csn snapshot = 0, csn = 0;
    std::set<std::pair<std::string, io::Key>> reads, writes;
    std::vector<RangeRead> ranges;
    bool in_conflict = false, out_conflict = false;
  };

  Tx* tx_at(TxId tx);
  Csn read_snapshot(Tx& t, bool fresh);
  bool committed_before(TxId x, Csn snap) const;
  bool is_committed(TxId x) const;
  bool is_aborted(TxId x) const;
  const Version* visible(const std::vector<Version>& versions, TxId tx, Csn snap) const;
  Version* newest(std::vector<Version>& versions);
  // Finds the version an UPDATE/DELETE acts on (nullptr: no row), waiting on row locks and
  // failing on a serialization conflict. On ok the result value is meaningless.
  Op<bool> lock_newest(TxId tx, Tx& t, std::vector<Version>& versions, Csn snap, Version** out);
  void write_version(TxId tx, Tx& t, Table& table, const io::Key& key, Version* old,
                     std::optional<io::Row> row);
  void vacuum(Table& table, std::vector<Version>& versions);
  // Secondary indexes (mvcc_index.cc).
  static void add_index(Table& table, const io::IndexSchema& index);
  static void index_version(Table& table, const io::Row& row);
  static void unindex_versions(Table& table, const std::vector<io::Row>& gone,
                               const std::vector<Version>& kept);
  Op<std::vector<io::Row>> index_scan(TxId tx, Csn snap, const Table& table,
                                      const io::ScanSpec& spec);
  // SSI (ssi.cc).
  void ssi_note_read(Tx& t, const std::string& table, const io::Key& key);
  void ssi_note_range(Tx& t, const std::string& table, const io::ScanSpec& spec);
  io::Status ssi_check_commit(TxId tx, Tx& t);
  void ssi_forget_old();

  std::map<std::string, Table> tables_;
  std::map<TxId, Tx> active_;
  std::map<TxId, Finished> finished_;
  std::map<TxId, TxId> waits_for_;
  std::vector<SerialRecord> serial_committed_;
  std::vector<CommitRecord> log_;
  TxId next_tx_ = 1;
  Csn last_csn_ = 0;
};

}  // namespace fl::sim::pg
