#include "sim/pg/mvcc.h"

#include "system/io/assert.h"

namespace fl::sim::pg {
namespace {

io::Status serialization(const std::string& why) {
  return io::Status::failed(io::ErrorKind::kSerialization,
                            "could not serialize access due to " + why, true);
}

}  // namespace

io::Status MvccEngine::create_table(const io::TableSchema& schema) {
  const std::string error = io::validate_schema(schema);
  if (!error.empty()) return io::Status::failed(io::ErrorKind::kInvalidArgument, error);
  auto it = tables_.find(schema.name);
  if (it != tables_.end()) {
    const auto& old = it->second.schema;
    bool same =
        old.primary_key == schema.primary_key && old.columns.size() == schema.columns.size();
    for (std::size_t i = 0; same && i < old.columns.size(); ++i) {
      same = old.columns[i].name == schema.columns[i].name &&
             old.columns[i].type == schema.columns[i].type &&
             old.columns[i].nullable == schema.columns[i].nullable;
    }
    if (!same) {
      return io::Status::failed(io::ErrorKind::kConstraint,
                                "table " + schema.name + " exists with another schema");
    }
    // CREATE INDEX IF NOT EXISTS: a declared index the table lacks is built now.
    for (const auto& index : schema.indexes) {
      if (io::find_index(it->second.schema, index.name) != nullptr) continue;
      if (it->second.schema.indexes.size() >= io::kMaxIndexes) {
        return io::Status::failed(io::ErrorKind::kConstraint, "too many indexes on " + schema.name);
      }
      add_index(it->second, index);
    }
    return io::Status::ok();
  }
  Table& table = tables_[schema.name];
  table.schema = schema;
  table.schema.indexes.clear();
  for (const auto& index : schema.indexes) add_index(table, index);
  return io::Status::ok();
}

const io::TableSchema* MvccEngine::schema(const std::string& table) const {
  auto it = tables_.find(table);
  return it == tables_.end() ? nullptr : &it->second.schema;
}

TxId MvccEngine::begin(io::Isolation isolation) {
  FL_ASSERT_LT(active_.size(), kMaxActiveTx);
  const TxId id = next_tx_++;
  active_[id].isolation = isolation;
  return id;
}

MvccEngine::Tx* MvccEngine::tx_at(TxId tx) {
  auto it = active_.find(tx);
  return it == active_.end() ? nullptr : &it->second;
}

bool MvccEngine::active(TxId tx) const { return active_.count(tx) != 0; }

bool MvccEngine::is_committed(TxId x) const {
  auto it = finished_.find(x);
  return it != finished_.end() && it->second.committed;
}

bool MvccEngine::is_aborted(TxId x) const {
  auto it = finished_.find(x);
  return it != finished_.end() && !it->second.committed;
}

bool MvccEngine::committed_before(TxId x, Csn snap) const {
  auto it = finished_.find(x);
  return it != finished_.end() && it->second.committed && it->second.csn <= snap;
}

Csn MvccEngine::read_snapshot(Tx& t, bool fresh) {
  if (t.isolation == io::Isolation::kReadCommitted) {
    if (fresh) t.stmt_snapshot = last_csn_;
    return t.stmt_snapshot;
  }
  if (!t.has_snapshot) {
    t.has_snapshot = true;
    t.snapshot = last_csn_;
  }
  return t.snapshot;
}

const MvccEngine::Version* MvccEngine::visible(const std::vector<Version>& versions, TxId tx,
                                               Csn snap) const {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const bool created = it->xmin == tx || committed_before(it->xmin, snap);
    if (!created) continue;
    const bool deleted = it->xmax != 0 && (it->xmax == tx || committed_before(it->xmax, snap));
    // A visible creator means every older version was superseded no later: nothing older shows.
    return deleted ? nullptr : &*it;
  }
  return nullptr;
}

MvccEngine::Version* MvccEngine::newest(std::vector<Version>& versions) {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (!is_aborted(it->xmin)) return &*it;
  }
  return nullptr;
}

Op<bool> MvccEngine::lock_newest(TxId tx, Tx& t, std::vector<Version>& versions, Csn snap,
                                 Version** out) {
  *out = nullptr;
  Version* v = newest(versions);
  if (v == nullptr) return Op<bool>::ok(false);
  if (v->xmin != tx && !is_committed(v->xmin)) return Op<bool>::wait(v->xmin);
  bool deleted = false;
  if (v->xmax != 0 && !is_aborted(v->xmax)) {
    if (v->xmax == tx) return Op<bool>::ok(false);  // this transaction deleted it
    if (active(v->xmax)) return Op<bool>::wait(v->xmax);
    deleted = true;  // deleted by a committed transaction
  }
  const Version* seen = visible(versions, tx, snap);
  if (seen == nullptr) return Op<bool>::ok(false);  // not in this statement's / transaction's view
  if (t.isolation == io::Isolation::kReadCommitted) {
    if (!deleted) *out = v;  // EvalPlanQual: the newest version, conditions re-checked by caller
    return Op<bool>::ok(false);
  }
  if (deleted || seen != v) {
    abort(tx);
    return Op<bool>::fail(serialization("concurrent update"));
  }
  *out = v;
  return Op<bool>::ok(false);
}

void MvccEngine::write_version(TxId tx, Tx& t, Table& table, const io::Key& key, Version* old,
                               std::optional<io::Row> row) {
  auto& versions = table.rows[key];
  if (old != nullptr) old->xmax = tx;
  if (row.has_value()) {
    versions.push_back(Version{tx, 0, *row});
    index_version(table, *row);
  }
  t.writes.push_back(Write{table.schema.name, key, std::move(row)});
  const std::size_t n = versions.size();
  if (n > kMaxVersionsPerKey && n % kMaxVersionsPerKey == 1) vacuum(table, versions);
}

void MvccEngine::vacuum(Table& table, std::vector<Version>& versions) {
  Csn horizon = last_csn_;
  for (const auto& [id, t] : active_) {
    // A read-committed transaction that has run no statement yet holds no snapshot (0).
    if (t.isolation == io::Isolation::kReadCommitted && t.stmt_snapshot != 0)
      horizon = std::min(horizon, t.stmt_snapshot);
    else if (t.has_snapshot)
      horizon = std::min(horizon, t.snapshot);
  }
  std::vector<Version> kept;
  std::vector<io::Row> gone;
  for (auto& v : versions) {
    const bool dead = is_aborted(v.xmin) || (v.xmax != 0 && committed_before(v.xmax, horizon));
    if (!dead)
      kept.push_back(std::move(v));
    else if (!table.schema.indexes.empty())
      gone.push_back(std::move(v.row));
  }
  versions.swap(kept);
  if (!gone.empty()) unindex_versions(table, gone, versions);
  FL_ASSERT_MSG(versions.size() <= kMaxLiveVersionsPerKey, "too many live versions of one row");
}

Op<std::optional<io::Row>> MvccEngine::get(TxId tx, const std::string& table, const io::Key& key) {
  using R = Op<std::optional<io::Row>>;
  Tx* t = tx_at(tx);
  if (t == nullptr) return R::fail(io::Status::failed(io::ErrorKind::kInternal, "no transaction"));
  auto tb = tables_.find(table);
  if (tb == tables_.end()) {
    abort(tx);
    return R::fail(io::Status::failed(io::ErrorKind::kNotFound, "no table " + table));
  }
  const Csn snap = read_snapshot(*t, true);
  ssi_note_read(*t, table, key);
  auto it = tb->second.rows.find(key);
  if (it == tb->second.rows.end()) return R::ok(std::nullopt);
  const Version* v = visible(it->second, tx, snap);
  return R::ok(v == nullptr ? std::nullopt : std::optional<io::Row>(v->row));
}

Op<std::vector<io::Row>> MvccEngine::scan(TxId tx, const std::string& table,
                                          const io::ScanSpec& spec) {
  using R = Op<std::vector<io::Row>>;
  Tx* t = tx_at(tx);
  if (t == nullptr) return R::fail(io::Status::failed(io::ErrorKind::kInternal, "no transaction"));
  auto tb = tables_.find(table);
  if (tb == tables_.end() || spec.limit > io::kMaxScanRows) {
    abort(tx);
    return R::fail(io::Status::failed(
        tb == tables_.end() ? io::ErrorKind::kNotFound : io::ErrorKind::kInvalidArgument,
        "bad scan of " + table));
  }
  const std::string invalid = io::validate_scan(tb->second.schema, spec);
  if (!invalid.empty()) {
    abort(tx);
    return R::fail(io::Status::failed(io::ErrorKind::kInvalidArgument, invalid));
  }
  const Csn snap = read_snapshot(*t, true);
  ssi_note_range(*t, table, spec);
  if (!spec.index.empty()) return index_scan(tx, snap, tb->second, spec);
  auto& rows = tb->second.rows;
  auto lo = spec.from ? rows.lower_bound(*spec.from) : rows.begin();
  auto hi = spec.until ? rows.lower_bound(*spec.until) : rows.end();
  std::vector<io::Row> out;
  if (spec.from && spec.until && !(*spec.from < *spec.until)) return R::ok(std::move(out));
  auto take = [&](const std::vector<Version>& versions) {
    const Version* v = visible(versions, tx, snap);
    if (v != nullptr && io::matches(v->row, spec.filters)) out.push_back(v->row);
  };
  if (!spec.descending) {
    for (auto it = lo; it != hi && out.size() < spec.limit; ++it) take(it->second);
  } else {
    for (auto it = hi; it != lo && out.size() < spec.limit;) take((--it)->second);
  }
  return R::ok(std::move(out));
}

io::Status MvccEngine::commit(TxId tx) {
  Tx* t = tx_at(tx);
  if (t == nullptr) return io::Status::failed(io::ErrorKind::kInternal, "no such transaction");
  if (t->isolation == io::Isolation::kSerializable) {
    io::Status s = ssi_check_commit(tx, *t);
    if (!s.is_ok()) {
      abort(tx);
      return s;
    }
  }
  const Csn csn = ++last_csn_;
  finished_[tx] = Finished{true, csn};
  if (!t->writes.empty()) {
    // Keep the last write per row, in first-write order.
    CommitRecord record{csn, tx, {}};
    std::map<std::pair<std::string, io::Key>, std::size_t> index;
    for (auto& w : t->writes) {
      auto [it, fresh] = index.emplace(std::make_pair(w.table, w.key), record.writes.size());
      if (fresh)
        record.writes.push_back(std::move(w));
      else
        record.writes[it->second] = std::move(w);
    }
    log_.push_back(std::move(record));
  }
  active_.erase(tx);
  waits_for_.erase(tx);
  ssi_forget_old();
  return io::Status::ok();
}

void MvccEngine::abort(TxId tx) {
  if (!active(tx)) return;
  active_.erase(tx);
  finished_[tx] = Finished{false, 0};
  waits_for_.erase(tx);
}

void MvccEngine::abort_all() {
  while (!active_.empty()) abort(active_.begin()->first);
  waits_for_.clear();
}

io::Status MvccEngine::note_wait(TxId tx, TxId holder) {
  TxId cur = holder;
  for (std::size_t i = 0; i <= kMaxActiveTx; ++i) {
    if (cur == tx) {
      abort(tx);
      return io::Status::failed(io::ErrorKind::kSerialization, "deadlock detected", true);
    }
    auto it = waits_for_.find(cur);
    if (it == waits_for_.end()) break;
    cur = it->second;
  }
  waits_for_[tx] = holder;
  return io::Status::ok();
}

std::vector<io::TableSchema> MvccEngine::schemas() const {
  std::vector<io::TableSchema> out;
  for (const auto& [name, t] : tables_) out.push_back(t.schema);
  return out;
}

MvccEngine MvccEngine::recover(const MvccEngine& crashed, Csn upto) {
  MvccEngine fresh;
  for (const auto& schema : crashed.schemas()) {
    const io::Status s = fresh.create_table(schema);
    FL_ASSERT(s.is_ok());
  }
  for (const auto& record : crashed.log_) {
    if (record.csn > upto) break;
    fresh.apply_committed(record);
  }
  // A gap in CSNs left by lost or read-only commits is harmless: CSNs only order.
  fresh.last_csn_ = std::max(fresh.last_csn_, std::min(upto, crashed.last_csn_));
  fresh.next_tx_ = crashed.next_tx_;
  return fresh;
}

void MvccEngine::apply_committed(const CommitRecord& record) {
  FL_ASSERT_LT(last_csn_, record.csn);
  finished_[record.tx] = Finished{true, record.csn};
  for (const auto& w : record.writes) {
    auto tb = tables_.find(w.table);
    FL_ASSERT_MSG(tb != tables_.end(), "replica lacks table " << w.table);
    auto& versions = tb->second.rows[w.key];
    Version* v = newest(versions);
    if (v != nullptr && v->xmax == 0) v->xmax = record.tx;
    if (w.row) {
      versions.push_back(Version{record.tx, 0, *w.row});
      index_version(tb->second, *w.row);
    }
  }
  last_csn_ = record.csn;
  log_.push_back(record);
}

}  // namespace fl::sim::pg
