// Router: the shard proxy's core, an io::SqlStore over the shards' SqlStores, so every workload
// and checker written against SqlStore runs through it unchanged (docs/shard.md).
//
//  - Point statements (get / insert / upsert / update / remove) go to the shard that owns the
//    key's vnode (hash.h) in the router's cached map (shard_map.h).
//  - Every point statement is checked against the shard's fence row of its vnode in the same
//    shard transaction: a write first takes the fence row's lock by a conditional update
//    (owned, and at the epoch the map says), so a cutover that fences the source waits for the
//    writers in flight (the drain) and refuses every later one; a read checks the fence after
//    reading (read committed: the vnode was owned throughout; repeatable read: at the
//    snapshot). A refusal is kUnavailable "stale shard map" (retryable) and makes the router
//    reload its map. While a vnode is moving, writes also append to the shard's changelog.
//  - scan fans out to every shard that owns a vnode, keeps only the rows of vnodes each shard
//    owns in the map (a moving vnode's rows exist on source and target), checks every owned
//    vnode's fence, and merges in key order with the limit (ORDER BY key LIMIT n across shards).
//    A fan-out transaction is read-only and has no snapshot across shards.
//  - A transaction runs on one shard. A statement that would take it to a second shard (or a
//    scan after a point statement, or a write after a scan) is refused with kInvalidArgument
//    "transaction spans shards": there is no two-phase commit.
// Limits: kMaxFanoutPages pages per shard per scan, kFenceAttempts per fence lock.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/shard/merge.h"
#include "system/shard/shard_map.h"

namespace fl::shard {

constexpr std::size_t kMaxFanoutPages = 64;
constexpr int kFenceAttempts = 4;

struct RouterOptions {
  int vnodes = 64;
  int initial_shards = 0;  // shards holding vnodes in the initial map; 0: all
  std::int64_t map_refresh_ns = 2 * io::kNsPerSec;
  // Known bug (simulation only): reads trust the cached map (no fence check) and the map is
  // reloaded only when a write is refused, so a router that only reads keeps serving a moved
  // vnode from its old shard.
  bool bug_stale_routing = false;
};

// "stale shard map: ..." (kUnavailable, retryable).
io::Status stale_map(int vnode, const std::string& why);
bool is_stale_map(const io::Status& status);
// "transaction spans shards: ..." (kInvalidArgument).
io::Status spans_shards(const std::string& why);

// What the router's transactions offer beyond SqlTransaction (Router::begin returns one).
class RoutedTransaction : public io::SqlTransaction {
 public:
  // SELECT kind(column) FROM table WHERE filters, across shards: each shard's partial over the
  // rows of the vnodes it owns (their fences checked after), merged (merge.h). A fan-out read,
  // as scan; kUnavailable when a shard has more than kMaxScanRows matching rows.
  virtual io::Result<io::Value> aggregate(const std::string& table,
                                          const std::vector<io::Filter>& filters,
                                          AggregateKind kind, std::size_t column) = 0;
};

class Router final : public io::SqlStore {
 public:
  // `meta`: the metadata database (the map, the table schemas); `shards`: shard 0 first.
  Router(io::Clock& clock, io::SqlStore& meta, std::vector<io::SqlStore*> shards,
         RouterOptions options);

  io::Status create_table(const io::TableSchema& schema) override;
  io::Result<std::unique_ptr<io::SqlTransaction>> begin(io::Isolation isolation) override;

  // --- for RouterTxn ---
  io::SqlStore& shard(int index) { return *shards_.at(static_cast<std::size_t>(index)); }
  int shard_count() const { return static_cast<int>(shards_.size()); }
  const RouterOptions& options() const { return options_; }
  io::Result<io::TableSchema> schema_of(const std::string& table);
  void invalidate_map() { map_stale_ = true; }
  // The map this router routes with (nullopt before the first load).
  const std::optional<ShardMap>& cached_map() const { return map_; }

 private:
  io::Status ensure_ready();
  io::Status refresh_map();

  io::Clock& clock_;
  io::SqlStore& meta_;
  std::vector<io::SqlStore*> shards_;
  RouterOptions options_;
  bool ready_ = false;
  std::optional<ShardMap> map_;
  bool map_stale_ = true;
  std::int64_t map_loaded_ns_ = 0;
  std::map<std::string, io::TableSchema> schemas_;
};

}  // namespace fl::shard
