// The data steps of a move (mover.h) on the shards' SqlStores: reading a vnode's rows, copying,
// catching up from the changelog, the row diff, clearing a vnode, and fence changes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "system/io/sql_store.h"
#include "system/shard/shard_map.h"

namespace fl::shard {

constexpr int kMaxFenceChangeAttempts = 8;

// Every row of `vnode` in `schema`'s table as `tx` sees it, in key order; kUnavailable past
// kMaxMoveRows.
io::Result<std::vector<io::Row>> vnode_rows(io::SqlTransaction& tx, const io::TableSchema& schema,
                                            int vnode, int vnodes);
// Upserts `rows` in transactions of kCopyBatchRows.
io::Status write_rows(io::SqlStore& store, const std::string& table,
                      const std::vector<io::Row>& rows);
// Deletes the vnode's rows of every table, and its changelog.
io::Status clear_vnode(io::SqlStore& store, const std::vector<io::TableSchema>& tables, int vnode,
                       int vnodes);

struct CatchUp {
  std::int64_t position = 0;  // the source's change sequence the target now reflects
  std::size_t applied = 0;    // keys applied
};
// Applies the source's changes of `vnode` after `from` to the target: the keys logged with a
// sequence in (from, S] and their rows, all read in one snapshot whose fence sequence is S.
io::Result<CatchUp> catch_up(io::SqlStore& source, io::SqlStore& target,
                             const std::vector<io::TableSchema>& tables, int vnode,
                             std::int64_t from);
// Rows of `vnode` that differ between the two stores (each read in a snapshot of its own).
io::Result<std::size_t> diff_vnode(io::SqlStore& a, io::SqlStore& b,
                                   const std::vector<io::TableSchema>& tables, int vnode,
                                   int vnodes);

// Changes the fence row of `vnode` to change(current) unless that is nullopt (nothing to do),
// in one read-committed transaction whose conditional update waits for the transactions
// holding the row (a move's drain). Returns the fence as it now stands.
using FenceChange = std::function<std::optional<Fence>(const std::optional<Fence>& current)>;
io::Result<std::optional<Fence>> change_fence(io::SqlStore& store, int vnode,
                                              const FenceChange& change);

}  // namespace fl::shard
