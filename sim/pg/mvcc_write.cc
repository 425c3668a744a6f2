// The write statements of MvccEngine: insert, upsert, update, delete.
#include <algorithm>

#include "sim/pg/mvcc.h"
#include "system/io/assert.h"

namespace fl::sim::pg {
namespace {

io::Status invalid(const std::string& why) {
  return io::Status::failed(io::ErrorKind::kInvalidArgument, why);
}

}  // namespace

Op<Unit> MvccEngine::insert(TxId tx, const std::string& table, const io::Row& row, bool fresh) {
  using R = Op<Unit>;
  Tx* t = tx_at(tx);
  if (t == nullptr) return R::fail(io::Status::failed(io::ErrorKind::kInternal, "no transaction"));
  auto tb = tables_.find(table);
  const std::string error =
      tb == tables_.end() ? "no table " + table : io::validate_row(tb->second.schema, row);
  if (!error.empty()) {
    abort(tx);
    return R::fail(tb == tables_.end() ? io::Status::failed(io::ErrorKind::kNotFound, error)
                                       : io::Status::failed(io::ErrorKind::kConstraint, error));
  }
  const Csn snap = read_snapshot(*t, fresh);
  const io::Key key = io::key_of(tb->second.schema, row);
  auto& versions = tb->second.rows[key];
  Version* v = newest(versions);
  if (v != nullptr && v->xmin != tx && !is_committed(v->xmin)) return R::wait(v->xmin);
  if (v != nullptr && v->xmax != 0 && v->xmax != tx && active(v->xmax)) return R::wait(v->xmax);
  const bool live = v != nullptr && !(v->xmax != 0 && (v->xmax == tx || is_committed(v->xmax)));
  if (live) {
    const bool seen = visible(versions, tx, snap) != nullptr;
    abort(tx);
    if (t->isolation == io::Isolation::kSerializable && !seen) {
      return R::fail(io::Status::failed(io::ErrorKind::kSerialization,
                                        "could not serialize access: concurrent insert", true));
    }
    return R::fail(io::Status::failed(
        io::ErrorKind::kConstraint, "duplicate key value violates unique constraint on " + table));
  }
  write_version(tx, *t, tb->second, key, nullptr, row);
  return R::ok(Unit{});
}

Op<Unit> MvccEngine::upsert(TxId tx, const std::string& table, const io::Row& row, bool fresh) {
  using R = Op<Unit>;
  Tx* t = tx_at(tx);
  if (t == nullptr) return R::fail(io::Status::failed(io::ErrorKind::kInternal, "no transaction"));
  auto tb = tables_.find(table);
  const std::string error =
      tb == tables_.end() ? "no table " + table : io::validate_row(tb->second.schema, row);
  if (!error.empty()) {
    abort(tx);
    return R::fail(invalid(error));
  }
  const Csn snap = read_snapshot(*t, fresh);
  const io::Key key = io::key_of(tb->second.schema, row);
  auto& versions = tb->second.rows[key];
  Version* v = newest(versions);
  if (v != nullptr && v->xmin != tx && !is_committed(v->xmin)) return R::wait(v->xmin);
  if (v != nullptr && v->xmax != 0 && v->xmax != tx && active(v->xmax)) return R::wait(v->xmax);
  const bool live = v != nullptr && !(v->xmax != 0 && (v->xmax == tx || is_committed(v->xmax)));
  if (live && t->isolation != io::Isolation::kReadCommitted && visible(versions, tx, snap) != v) {
    abort(tx);
    return R::fail(io::Status::failed(io::ErrorKind::kSerialization,
                                      "could not serialize access due to concurrent update", true));
  }
  write_version(tx, *t, tb->second, key, live ? v : nullptr, row);
  return R::ok(Unit{});
}

Op<bool> MvccEngine::update(TxId tx, const std::string& table, const io::Key& key,
                            const std::vector<io::Filter>& conditions,
                            const std::vector<io::Assignment>& assignments, bool fresh) {
  using R = Op<bool>;
  Tx* t = tx_at(tx);
  if (t == nullptr) return R::fail(io::Status::failed(io::ErrorKind::kInternal, "no transaction"));
  auto tb = tables_.find(table);
  if (tb == tables_.end()) {
    abort(tx);
    return R::fail(io::Status::failed(io::ErrorKind::kNotFound, "no table " + table));
  }
  const auto& schema = tb->second.schema;
  for (const auto& a : assignments) {
    const bool in_key = std::find(schema.primary_key.begin(), schema.primary_key.end(), a.column) !=
                        schema.primary_key.end();
    if (a.column >= schema.columns.size() || in_key) {
      abort(tx);
      return R::fail(invalid("bad assignment to column " + std::to_string(a.column)));
    }
  }
  const Csn snap = read_snapshot(*t, fresh);
  ssi_note_read(*t, table, key);
  auto it = tb->second.rows.find(key);
  if (it == tb->second.rows.end()) return R::ok(false);
  Version* old = nullptr;
  R locked = lock_newest(tx, *t, it->second, snap, &old);
  if (!locked.done.has_value() || !locked.done->is_ok()) return locked;
  if (old == nullptr || !io::matches(old->row, conditions)) return R::ok(false);
  io::Row row = old->row;
  for (const auto& a : assignments) row[a.column] = a.value;
  const std::string error = io::validate_row(schema, row);
  if (!error.empty()) {
    abort(tx);
    return R::fail(io::Status::failed(io::ErrorKind::kConstraint, error));
  }
  write_version(tx, *t, tb->second, key, old, std::move(row));
  return R::ok(true);
}

Op<bool> MvccEngine::remove(TxId tx, const std::string& table, const io::Key& key, bool fresh) {
  using R = Op<bool>;
  Tx* t = tx_at(tx);
  if (t == nullptr) return R::fail(io::Status::failed(io::ErrorKind::kInternal, "no transaction"));
  auto tb = tables_.find(table);
  if (tb == tables_.end()) {
    abort(tx);
    return R::fail(io::Status::failed(io::ErrorKind::kNotFound, "no table " + table));
  }
  const Csn snap = read_snapshot(*t, fresh);
  ssi_note_read(*t, table, key);
  auto it = tb->second.rows.find(key);
  if (it == tb->second.rows.end()) return R::ok(false);
  Version* old = nullptr;
  R locked = lock_newest(tx, *t, it->second, snap, &old);
  if (!locked.done.has_value() || !locked.done->is_ok()) return locked;
  if (old == nullptr) return R::ok(false);
  write_version(tx, *t, tb->second, key, old, std::nullopt);
  return R::ok(true);
}

}  // namespace fl::sim::pg
