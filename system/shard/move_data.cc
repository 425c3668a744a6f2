// The data steps of a move (move_data.h).
#include "system/shard/move_data.h"

#include <map>
#include <set>

#include "system/io/assert.h"
#include "system/shard/hash.h"
#include "system/shard/mover.h"

namespace fl::shard {
namespace {

io::Result<std::vector<io::Row>> all_vnode_rows(io::SqlStore& store, const io::TableSchema& schema,
                                                int vnode, int vnodes) {
  auto begun = store.begin(io::Isolation::kRepeatableRead);
  if (!begun.is_ok()) return begun.status();
  auto rows = vnode_rows(*begun.value(), schema, vnode, vnodes);
  begun.value()->rollback();
  return rows;
}

}  // namespace

io::Result<std::vector<io::Row>> vnode_rows(io::SqlTransaction& tx, const io::TableSchema& schema,
                                            int vnode, int vnodes) {
  std::vector<io::Row> out;
  io::ScanSpec page;
  page.limit = 1000;
  std::optional<io::Key> skip;
  for (std::size_t scanned = 0; scanned <= kMaxMoveRows * 4; scanned += page.limit) {
    auto rows = tx.scan(schema.name, page);
    if (!rows.is_ok()) return rows.status();
    for (const io::Row& row : rows.value()) {
      io::Key key = io::key_of(schema, row);
      if (skip && key == *skip) continue;
      if (vnode_of(key, vnodes) == vnode) out.push_back(row);
    }
    if (out.size() > kMaxMoveRows) break;
    if (rows.value().size() < page.limit) return out;
    page.from = io::key_of(schema, rows.value().back());
    skip = page.from;
  }
  return io::Status::failed(io::ErrorKind::kUnavailable, "vnode too large to move: " + schema.name);
}

io::Status write_rows(io::SqlStore& store, const std::string& table,
                      const std::vector<io::Row>& rows) {
  for (std::size_t at = 0; at < rows.size(); at += kCopyBatchRows) {
    auto begun = store.begin(io::Isolation::kReadCommitted);
    if (!begun.is_ok()) return begun.status();
    for (std::size_t i = at; i < rows.size() && i < at + kCopyBatchRows; ++i) {
      if (io::Status s = begun.value()->upsert(table, rows[i]); !s.is_ok()) return s;
    }
    if (io::Status s = begun.value()->commit(); !s.is_ok()) return s;
  }
  return io::Status::ok();
}

io::Status clear_vnode(io::SqlStore& store, const std::vector<io::TableSchema>& tables, int vnode,
                       int vnodes) {
  std::vector<std::pair<std::string, io::Key>> doomed;
  for (const io::TableSchema& schema : tables) {
    auto rows = all_vnode_rows(store, schema, vnode, vnodes);
    if (!rows.is_ok()) return rows.status();
    for (const io::Row& row : rows.value())
      doomed.emplace_back(schema.name, io::key_of(schema, row));
  }
  {
    auto begun = store.begin(io::Isolation::kReadCommitted);
    if (!begun.is_ok()) return begun.status();
    io::ScanSpec spec;
    spec.from = io::Key{io::Value(std::int64_t{vnode})};
    spec.until = io::Key{io::Value(std::int64_t{vnode + 1})};
    spec.limit = io::kMaxScanRows;
    auto logged = begun.value()->scan(kChangelogTable, spec);
    if (!logged.is_ok()) return logged.status();
    for (const io::Row& row : logged.value()) {
      doomed.emplace_back(kChangelogTable, io::Key(row.begin(), row.end()));
    }
    begun.value()->rollback();
  }
  for (std::size_t at = 0; at < doomed.size(); at += kCopyBatchRows) {
    auto begun = store.begin(io::Isolation::kReadCommitted);
    if (!begun.is_ok()) return begun.status();
    for (std::size_t i = at; i < doomed.size() && i < at + kCopyBatchRows; ++i) {
      auto removed = begun.value()->remove(doomed[i].first, doomed[i].second);
      if (!removed.is_ok()) return removed.status();
    }
    if (io::Status s = begun.value()->commit(); !s.is_ok()) return s;
  }
  return io::Status::ok();
}

io::Result<CatchUp> catch_up(io::SqlStore& source, io::SqlStore& target,
                             const std::vector<io::TableSchema>& tables, int vnode,
                             std::int64_t from) {
  auto begun = source.begin(io::Isolation::kRepeatableRead);
  if (!begun.is_ok()) return begun.status();
  io::SqlTransaction& tx = *begun.value();
  auto fence = read_fence(tx, vnode);
  if (!fence.is_ok()) return fence.status();
  if (!fence.value()) return io::Status::failed(io::ErrorKind::kInternal, "no fence row");
  CatchUp result;
  result.position = fence.value()->seq;
  io::ScanSpec spec;
  spec.from = io::Key{io::Value(std::int64_t{vnode}), io::Value(from + 1)};
  spec.until = io::Key{io::Value(std::int64_t{vnode}), io::Value(result.position + 1)};
  spec.limit = kMaxCatchupChanges;
  auto logged = tx.scan(kChangelogTable, spec);
  if (!logged.is_ok()) return logged.status();
  if (logged.value().size() >= kMaxCatchupChanges) {
    return io::Status::failed(io::ErrorKind::kUnavailable, "catch-up backlog over the limit");
  }
  std::map<std::string, const io::TableSchema*> by_name;
  for (const io::TableSchema& s : tables) by_name[s.name] = &s;
  std::set<std::pair<std::string, std::string>> keys;
  for (const io::Row& row : logged.value()) {
    keys.insert({std::get<std::string>(row[2]), std::get<std::string>(row[3])});
  }
  std::vector<std::pair<std::string, io::Key>> deletes;
  std::map<std::string, std::vector<io::Row>> upserts;
  for (const auto& [table, text] : keys) {
    auto key = decode_key(text);
    if (!key || by_name.count(table) == 0) {
      return io::Status::failed(io::ErrorKind::kInternal, "bad changelog entry for " + table);
    }
    auto got = tx.get(table, *key);
    if (!got.is_ok()) return got.status();
    if (got.value()) {
      upserts[table].push_back(*got.value());
    } else {
      deletes.emplace_back(table, *key);
    }
  }
  tx.rollback();
  for (const auto& [table, rows] : upserts) {
    if (io::Status s = write_rows(target, table, rows); !s.is_ok()) return s;
  }
  if (!deletes.empty()) {
    auto t = target.begin(io::Isolation::kReadCommitted);
    if (!t.is_ok()) return t.status();
    for (const auto& [table, key] : deletes) {
      auto removed = t.value()->remove(table, key);
      if (!removed.is_ok()) return removed.status();
    }
    if (io::Status s = t.value()->commit(); !s.is_ok()) return s;
  }
  result.applied = keys.size();
  return result;
}

io::Result<std::size_t> diff_vnode(io::SqlStore& a, io::SqlStore& b,
                                   const std::vector<io::TableSchema>& tables, int vnode,
                                   int vnodes) {
  std::size_t differ = 0;
  for (const io::TableSchema& schema : tables) {
    auto left = all_vnode_rows(a, schema, vnode, vnodes);
    if (!left.is_ok()) return left.status();
    auto right = all_vnode_rows(b, schema, vnode, vnodes);
    if (!right.is_ok()) return right.status();
    std::set<io::Row> l(left.value().begin(), left.value().end());
    std::set<io::Row> r(right.value().begin(), right.value().end());
    for (const io::Row& row : l) differ += r.count(row) == 0 ? 1 : 0;
    for (const io::Row& row : r) differ += l.count(row) == 0 ? 1 : 0;
  }
  return differ;
}

io::Result<std::optional<Fence>> change_fence(io::SqlStore& store, int vnode,
                                              const FenceChange& change) {
  const io::Key key = {io::Value(std::int64_t{vnode})};
  for (int attempt = 0; attempt < kMaxFenceChangeAttempts; ++attempt) {
    auto begun = store.begin(io::Isolation::kReadCommitted);
    if (!begun.is_ok()) return begun.status();
    io::SqlTransaction& tx = *begun.value();
    auto current = read_fence(tx, vnode);
    if (!current.is_ok()) return current.status();
    const std::optional<Fence> next = change(current.value());
    if (!next) return current.value();
    if (!current.value()) {
      io::Status s = tx.insert(kFenceTable, fence_row(vnode, *next));
      if (s.kind() == io::ErrorKind::kConstraint) continue;  // inserted meanwhile: read again
      if (!s.is_ok()) return s;
    } else {
      const Fence& f = *current.value();
      const std::vector<io::Filter> same = {{1, io::CompareOp::kEq, io::Value(f.owned)},
                                            {2, io::CompareOp::kEq, io::Value(f.epoch)},
                                            {3, io::CompareOp::kEq, io::Value(f.seq)},
                                            {4, io::CompareOp::kEq, io::Value(f.moving)}};
      const io::Row row = fence_row(vnode, *next);
      std::vector<io::Assignment> all;
      for (std::size_t c = 1; c < row.size(); ++c) all.push_back({c, row[c]});
      auto updated = tx.update(kFenceTable, key, same, all);
      if (!updated.is_ok()) return updated.status();
      if (!updated.value()) continue;  // changed meanwhile (a writer bumped seq): read again
    }
    io::Status s = tx.commit();
    if (!s.is_ok()) return s;
    return std::optional<Fence>(*next);
  }
  return io::Status::failed(io::ErrorKind::kSerialization, "fence row contended", true);
}

}  // namespace fl::shard
