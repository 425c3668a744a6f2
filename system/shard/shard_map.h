// The shard map and the tables that hold it durably (docs/shard.md).
//
// The key space is cut into a fixed number of virtual nodes (vnodes, hash.h); the map assigns
// every vnode to one shard together with the epoch at which it was assigned. Epochs come from one
// counter: a cutover gives its vnode max(epoch) + 1, so the map's version (its largest epoch)
// grows with every change. The map lives in the metadata database (the primary "pg1", Vitess'
// topology server), in table shard_map; routers cache it and reload it when a shard refuses them.
//
// Each shard holds a fence row per vnode (table shard_fence): owned (may this shard serve the
// vnode), the epoch it owns it at, a change sequence and a moving flag. Routers check it in the
// same transaction as every statement (router.h); a cutover flips it (mover.h). While a vnode
// is moving, every write to it also appends (vnode, seq, table, key) to shard_changelog in the
// same transaction: the change stream that catch-up reads from the copy's snapshot position.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "system/io/sql_store.h"

namespace fl::shard {

constexpr int kMaxShards = 8;
constexpr int kMaxVnodes = 256;
constexpr std::size_t kMaxTables = 64;
constexpr int kInitAttempts = 20;

extern const char* const kMapTable;        // metadata: shard_map(vnode, shard, epoch)
extern const char* const kTablesTable;     // metadata: shard_tables(name, spec)
extern const char* const kFenceTable;      // each shard: shard_fence(vnode, owned, epoch, ...)
extern const char* const kChangelogTable;  // each shard: shard_changelog(vnode, seq, tbl, k)

struct VnodeOwner {
  int shard = 0;
  std::int64_t epoch = 1;
  bool operator==(const VnodeOwner&) const = default;
};

struct ShardMap {
  int shards = 0;                  // shard servers 0..shards-1
  std::vector<VnodeOwner> vnodes;  // indexed by vnode
  std::int64_t version() const;    // the largest epoch
  int vnode_count() const { return static_cast<int>(vnodes.size()); }
  // The vnodes each shard owns.
  std::vector<int> owned_by(int shard) const;
};

// vnode v -> shard v mod initial_shards, epoch 1. REQUIRES: 1 <= initial_shards <= shards.
ShardMap initial_map(int shards, int initial_shards, int vnodes);

struct Fence {
  bool owned = false;
  std::int64_t epoch = 0;
  std::int64_t seq = 0;  // the vnode's change counter while moving
  bool moving = false;
};

io::TableSchema map_schema();
io::TableSchema tables_schema();
io::TableSchema fence_schema();
io::TableSchema changelog_schema();

io::Row fence_row(int vnode, const Fence& fence);
Fence fence_of(const io::Row& row);
// The fence of `vnode` as `tx` sees it; nullopt when the shard has no row for it.
io::Result<std::optional<Fence>> read_fence(io::SqlTransaction& tx, int vnode);

// Table schemas as text ("name\nc <col> <i|t|b> <0|1>\n...\nk <index>..."), for shard_tables.
std::string encode_schema(const io::TableSchema& schema);
std::optional<io::TableSchema> decode_schema(const std::string& text);

// Idempotent set-up, safe to run concurrently from many routers (bounded retries):
// the metadata tables and the initial map if there is none yet.
io::Status init_metadata(io::SqlStore& meta, const ShardMap& initial);
// A shard's fence and changelog tables, and its fence rows if it has none yet (owned as in
// `initial`, which must be the map init_metadata stored first).
io::Status init_shard(io::SqlStore& shard, int index, const ShardMap& initial);
// The stored map; kNotFound if it is not there yet, kInternal if it does not fit the shards.
io::Result<ShardMap> load_map(io::SqlStore& meta, int shards, int vnodes);
// Records a routed table's schema (upsert) / reads them all.
io::Status save_table(io::SqlStore& meta, const io::TableSchema& schema);
io::Result<std::vector<io::TableSchema>> load_tables(io::SqlStore& meta);

}  // namespace fl::shard
