// A routed transaction (router.h): one shard per transaction, fence checks on every point
// statement, the changelog while a vnode moves, and fan-out scans merged in key order.
#include <algorithm>

#include "system/io/assert.h"
#include "system/shard/hash.h"
#include "system/shard/router.h"

namespace fl::shard {
namespace {

constexpr std::int64_t kNotLogged = -1;

class RouterTxn final : public RoutedTransaction {
 public:
  RouterTxn(Router& router, io::Isolation isolation, ShardMap map)
      : router_(router), isolation_(isolation), map_(std::move(map)) {
    fan_.resize(static_cast<std::size_t>(router_.shard_count()));
  }

  io::Result<std::optional<io::Row>> get(const std::string& table, const io::Key& key) override {
    auto v = route(key);
    if (!v.is_ok()) return v.status();
    auto got = tx_->get(table, key);
    if (!got.is_ok()) return fail(got.status());
    if (io::Status s = check_fence(v.value()); !s.is_ok()) return s;
    return got;
  }
  io::Status insert(const std::string& table, const io::Row& row) override {
    return write_row(table, row, false);
  }
  io::Status upsert(const std::string& table, const io::Row& row) override {
    return write_row(table, row, true);
  }
  io::Result<bool> update(const std::string& table, const io::Key& key,
                          const std::vector<io::Filter>& conditions,
                          const std::vector<io::Assignment>& assignments) override {
    auto v = route_write(key);
    if (!v.is_ok()) return v.status();
    auto updated = tx_->update(table, key, conditions, assignments);
    if (!updated.is_ok()) return fail(updated.status());
    if (updated.value()) {
      if (io::Status s = log_change(v.value(), table, key); !s.is_ok()) return s;
    }
    return updated;
  }
  io::Result<bool> remove(const std::string& table, const io::Key& key) override {
    auto v = route_write(key);
    if (!v.is_ok()) return v.status();
    auto removed = tx_->remove(table, key);
    if (!removed.is_ok()) return fail(removed.status());
    if (removed.value()) {
      if (io::Status s = log_change(v.value(), table, key); !s.is_ok()) return s;
    }
    return removed;
  }
  io::Result<std::vector<io::Row>> scan(const std::string& table,
                                        const io::ScanSpec& spec) override;
  io::Result<io::Value> aggregate(const std::string& table, const std::vector<io::Filter>& filters,
                                  AggregateKind kind, std::size_t column) override;
  io::Status commit() override;
  void rollback() override { finish(); }

 private:
  io::Status write_row(const std::string& table, const io::Row& row, bool upsert);
  io::Result<int> route(const io::Key& key);
  io::Result<int> route_write(const io::Key& key);
  io::Status lock_fence(int vnode);
  io::Status check_fence(int vnode);
  io::Status log_change(int vnode, const std::string& table, const io::Key& key);
  io::Result<std::vector<io::Row>> scan_owned(int shard, const io::TableSchema& schema,
                                              const io::ScanSpec& spec);
  io::Status check_owned_fences(int shard);
  io::Status fail(io::Status status);
  void finish();

  Router& router_;
  io::Isolation isolation_;
  ShardMap map_;
  int shard_ = -1;                                        // the shard of point statements
  std::unique_ptr<io::SqlTransaction> tx_;                // on shard_
  std::map<int, std::int64_t> locked_;                    // vnode -> changelog seq or kNotLogged
  std::vector<std::unique_ptr<io::SqlTransaction>> fan_;  // fan-out reads, per shard
  bool fanout_ = false;
  bool finished_ = false;
};

io::Status RouterTxn::fail(io::Status status) {
  FL_ASSERT(!status.is_ok());
  if (!router_.options().bug_stale_routing || is_stale_map(status)) router_.invalidate_map();
  finish();
  return status;
}

void RouterTxn::finish() {
  if (tx_) tx_->rollback();
  for (auto& t : fan_) {
    if (t) t->rollback();
  }
  finished_ = true;
}

io::Result<int> RouterTxn::route(const io::Key& key) {
  if (finished_) return io::Status::failed(io::ErrorKind::kInvalidArgument, "transaction over");
  if (key.empty()) return fail(io::Status::failed(io::ErrorKind::kInvalidArgument, "empty key"));
  const int v = vnode_of(key, map_.vnode_count());
  const int owner = map_.vnodes[static_cast<std::size_t>(v)].shard;
  if (fanout_) return fail(spans_shards("a point statement after a fan-out scan"));
  if (shard_ >= 0 && shard_ != owner) {
    return fail(
        spans_shards("shard " + std::to_string(shard_) + " and shard " + std::to_string(owner)));
  }
  if (shard_ < 0) {
    auto begun = router_.shard(owner).begin(isolation_);
    if (!begun.is_ok()) return fail(begun.status());
    tx_ = std::move(begun.value());
    shard_ = owner;
  }
  return v;
}

io::Result<int> RouterTxn::route_write(const io::Key& key) {
  auto v = route(key);
  if (!v.is_ok()) return v;
  if (io::Status s = lock_fence(v.value()); !s.is_ok()) return s;
  return v;
}

// Takes the fence row's lock with a conditional update that keeps it as it is (or, while the
// vnode moves, bumps its change sequence). Read committed re-checks the condition against the
// newest version, so a concurrent change shows as "not updated": read again, a few times.
io::Status RouterTxn::lock_fence(int vnode) {
  if (locked_.count(vnode) != 0) return io::Status::ok();
  const std::int64_t epoch = map_.vnodes[static_cast<std::size_t>(vnode)].epoch;
  for (int attempt = 0; attempt < kFenceAttempts; ++attempt) {
    auto fence = read_fence(*tx_, vnode);
    if (!fence.is_ok()) return fail(fence.status());
    const std::optional<Fence>& f = fence.value();
    if (!f || !f->owned || f->epoch != epoch) {
      return fail(stale_map(vnode, "is not owned by shard " + std::to_string(shard_) +
                                       " at epoch " + std::to_string(epoch)));
    }
    const std::int64_t seq = f->moving ? f->seq + 1 : f->seq;
    const std::vector<io::Filter> same = {{1, io::CompareOp::kEq, io::Value(true)},
                                          {2, io::CompareOp::kEq, io::Value(f->epoch)},
                                          {3, io::CompareOp::kEq, io::Value(f->seq)},
                                          {4, io::CompareOp::kEq, io::Value(f->moving)}};
    auto updated =
        tx_->update(kFenceTable, {io::Value(std::int64_t{vnode})}, same, {{3, io::Value(seq)}});
    if (!updated.is_ok()) return fail(updated.status());
    if (updated.value()) {
      locked_[vnode] = f->moving ? seq : kNotLogged;
      return io::Status::ok();
    }
  }
  return fail(io::Status::failed(io::ErrorKind::kSerialization, "fence row contended", true));
}

io::Status RouterTxn::check_fence(int vnode) {
  if (locked_.count(vnode) != 0 || router_.options().bug_stale_routing) return io::Status::ok();
  auto fence = read_fence(*tx_, vnode);
  if (!fence.is_ok()) return fail(fence.status());
  const std::optional<Fence>& f = fence.value();
  const std::int64_t epoch = map_.vnodes[static_cast<std::size_t>(vnode)].epoch;
  if (!f || !f->owned || f->epoch != epoch) {
    return fail(stale_map(vnode, "moved away from shard " + std::to_string(shard_)));
  }
  return io::Status::ok();
}

io::Status RouterTxn::log_change(int vnode, const std::string& table, const io::Key& key) {
  const auto it = locked_.find(vnode);
  FL_ASSERT(it != locked_.end());
  if (it->second == kNotLogged) return io::Status::ok();
  io::Status s =
      tx_->upsert(kChangelogTable, {io::Value(std::int64_t{vnode}), io::Value(it->second),
                                    io::Value(table), io::Value(encode_key(key))});
  return s.is_ok() ? s : fail(s);
}

io::Status RouterTxn::write_row(const std::string& table, const io::Row& row, bool upsert) {
  if (finished_) return io::Status::failed(io::ErrorKind::kInvalidArgument, "transaction over");
  auto schema = router_.schema_of(table);
  if (!schema.is_ok()) return fail(schema.status());
  if (std::string e = io::validate_row(schema.value(), row); !e.empty()) {
    return fail(io::Status::failed(io::ErrorKind::kInvalidArgument, e));
  }
  const io::Key key = io::key_of(schema.value(), row);
  auto v = route_write(key);
  if (!v.is_ok()) return v.status();
  io::Status s = upsert ? tx_->upsert(table, row) : tx_->insert(table, row);
  if (!s.is_ok()) return fail(s);
  return log_change(v.value(), table, key);
}

io::Status RouterTxn::commit() {
  if (finished_) return io::Status::failed(io::ErrorKind::kInvalidArgument, "transaction over");
  if (!tx_) {
    finish();  // nothing written, or a fan-out read: nothing to commit
    return io::Status::ok();
  }
  io::Status s = tx_->commit();
  tx_.reset();
  finish();
  if (!s.is_ok() && !router_.options().bug_stale_routing) router_.invalidate_map();
  return s;
}

// A scan fans out: every shard that owns a vnode returns its first spec.limit rows of the vnodes
// it owns (paging past the rows of vnodes it does not own: a moving vnode's copy on the target,
// or what a completed move left on its source), then the fences of its vnodes are checked, and
// the shards' rows are merged in key order and cut at the limit.
io::Result<std::vector<io::Row>> RouterTxn::scan(const std::string& table,
                                                 const io::ScanSpec& spec) {
  if (finished_) return io::Status::failed(io::ErrorKind::kInvalidArgument, "transaction over");
  if (tx_)
    return fail(
        spans_shards("a fan-out scan after a point statement on shard " + std::to_string(shard_)));
  if (spec.limit == 0 || spec.limit > io::kMaxScanRows) {
    return fail(io::Status::failed(io::ErrorKind::kInvalidArgument, "scan limit out of range"));
  }
  auto schema = router_.schema_of(table);
  if (!schema.is_ok()) return fail(schema.status());
  if (std::string why = io::validate_scan(schema.value(), spec); !why.empty()) {
    return fail(io::Status::failed(io::ErrorKind::kInvalidArgument, why));
  }
  fanout_ = true;
  // Merged in the scan's order: the primary key's, or the index's (io::order_columns).
  const std::vector<std::size_t> order = io::order_columns(
      schema.value(), spec.index.empty() ? nullptr : io::find_index(schema.value(), spec.index));
  std::vector<std::pair<io::Key, io::Row>> merged;
  for (int s = 0; s < router_.shard_count(); ++s) {
    if (map_.owned_by(s).empty()) continue;
    auto rows = scan_owned(s, schema.value(), spec);
    if (!rows.is_ok()) return rows.status();
    if (io::Status st = check_owned_fences(s); !st.is_ok()) return st;
    for (io::Row& row : rows.value()) {
      io::Key key = io::order_key(order, row);
      merged.emplace_back(std::move(key), std::move(row));
    }
  }
  std::sort(merged.begin(), merged.end(), [&](const auto& a, const auto& b) {
    return spec.descending ? b.first < a.first : a.first < b.first;
  });
  std::vector<io::Row> out;
  for (auto& entry : merged) {
    if (out.size() >= spec.limit) break;
    out.push_back(std::move(entry.second));
  }
  return out;
}

io::Result<io::Value> RouterTxn::aggregate(const std::string& table,
                                           const std::vector<io::Filter>& filters,
                                           AggregateKind kind, std::size_t column) {
  if (finished_) return io::Status::failed(io::ErrorKind::kInvalidArgument, "transaction over");
  if (tx_) return fail(spans_shards("a fan-out aggregate after a point statement"));
  auto schema = router_.schema_of(table);
  if (!schema.is_ok()) return fail(schema.status());
  fanout_ = true;
  io::ScanSpec spec;
  spec.filters = filters;
  spec.limit = io::kMaxScanRows;
  std::vector<io::Value> partials;
  for (int s = 0; s < router_.shard_count(); ++s) {
    if (map_.owned_by(s).empty()) continue;
    auto rows = scan_owned(s, schema.value(), spec);
    if (!rows.is_ok()) return rows.status();
    if (rows.value().size() >= spec.limit) {
      return fail(io::Status::failed(io::ErrorKind::kUnavailable,
                                     "fan-out aggregate: more than kMaxScanRows rows on a shard"));
    }
    if (io::Status st = check_owned_fences(s); !st.is_ok()) return st;
    auto partial = aggregate_rows(kind, rows.value(), column);
    if (!partial.is_ok()) return fail(partial.status());
    partials.push_back(partial.value());
  }
  auto merged = merge_aggregate(kind, partials);
  if (!merged.is_ok()) return fail(merged.status());
  return merged;
}

io::Result<std::vector<io::Row>> RouterTxn::scan_owned(int shard, const io::TableSchema& schema,
                                                       const io::ScanSpec& spec) {
  auto& tx = fan_[static_cast<std::size_t>(shard)];
  if (!tx) {
    auto begun = router_.shard(shard).begin(isolation_);
    if (!begun.is_ok()) return fail(begun.status());
    tx = std::move(begun.value());
  }
  std::vector<io::Row> out;
  io::ScanSpec page = spec;
  const std::vector<std::size_t> order =
      io::order_columns(schema, spec.index.empty() ? nullptr : io::find_index(schema, spec.index));
  std::optional<io::Key> skip;  // ascending pages restart at the last tuple (inclusive bound)
  for (std::size_t i = 0; i < kMaxFanoutPages; ++i) {
    auto rows = tx->scan(schema.name, page);
    if (!rows.is_ok()) return fail(rows.status());
    for (const io::Row& row : rows.value()) {
      io::Key key = io::key_of(schema, row);
      if (skip && io::order_key(order, row) == *skip) continue;
      const int v = vnode_of(key, map_.vnode_count());
      if (map_.vnodes[static_cast<std::size_t>(v)].shard != shard) continue;
      out.push_back(row);
      if (out.size() >= spec.limit) return out;
    }
    if (rows.value().size() < page.limit) return out;
    io::Key last = io::order_key(order, rows.value().back());
    if (spec.descending) {
      page.until = last;
    } else {
      page.from = last;
      skip = last;
    }
  }
  return fail(io::Status::failed(io::ErrorKind::kUnavailable,
                                 "fan-out scan: more than kMaxFanoutPages pages on one shard"));
}

io::Status RouterTxn::check_owned_fences(int shard) {
  if (router_.options().bug_stale_routing) return io::Status::ok();
  io::ScanSpec spec;
  spec.limit = static_cast<std::size_t>(kMaxVnodes);
  auto rows = fan_[static_cast<std::size_t>(shard)]->scan(kFenceTable, spec);
  if (!rows.is_ok()) return fail(rows.status());
  std::vector<std::optional<Fence>> fences(static_cast<std::size_t>(map_.vnode_count()));
  for (const io::Row& row : rows.value()) {
    const std::int64_t v = std::get<std::int64_t>(row[0]);
    if (v >= 0 && v < map_.vnode_count()) fences[static_cast<std::size_t>(v)] = fence_of(row);
  }
  for (int v : map_.owned_by(shard)) {
    const auto& f = fences[static_cast<std::size_t>(v)];
    if (!f || !f->owned || f->epoch != map_.vnodes[static_cast<std::size_t>(v)].epoch) {
      return fail(stale_map(v, "moved away from shard " + std::to_string(shard)));
    }
  }
  return io::Status::ok();
}

}  // namespace

std::unique_ptr<RoutedTransaction> make_router_txn(Router& router, io::Isolation isolation,
                                                   ShardMap map) {
  return std::make_unique<RouterTxn>(router, isolation, std::move(map));
}

}  // namespace fl::shard
