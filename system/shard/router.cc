// The router as a SqlStore: set-up, the map cache and table schemas (router.h). The transaction
// (routing, fences, fan-out) is in router_txn.cc.
#include "system/shard/router.h"

#include "system/io/assert.h"

namespace fl::shard {

std::unique_ptr<RoutedTransaction> make_router_txn(Router& router, io::Isolation isolation,
                                                   ShardMap map);

io::Status stale_map(int vnode, const std::string& why) {
  return io::Status::failed(io::ErrorKind::kUnavailable,
                            "stale shard map: vnode " + std::to_string(vnode) + " " + why, true);
}

bool is_stale_map(const io::Status& status) {
  return status.kind() == io::ErrorKind::kUnavailable &&
         status.message().rfind("stale shard map", 0) == 0;
}

io::Status spans_shards(const std::string& why) {
  return io::Status::failed(io::ErrorKind::kInvalidArgument,
                            "transaction spans shards: " + why +
                                " (cross-shard transactions are refused; docs/shard.md)");
}

Router::Router(io::Clock& clock, io::SqlStore& meta, std::vector<io::SqlStore*> shards,
               RouterOptions options)
    : clock_(clock), meta_(meta), shards_(std::move(shards)), options_(options) {
  FL_ASSERT(!shards_.empty() && static_cast<int>(shards_.size()) <= kMaxShards);
  FL_ASSERT(options_.vnodes >= 1 && options_.vnodes <= kMaxVnodes);
  FL_ASSERT(options_.initial_shards >= 0 && options_.initial_shards <= shard_count());
  if (options_.initial_shards == 0) options_.initial_shards = shard_count();
}

io::Status Router::ensure_ready() {
  if (ready_) return io::Status::ok();
  const ShardMap initial = initial_map(shard_count(), options_.initial_shards, options_.vnodes);
  if (io::Status s = init_metadata(meta_, initial); !s.is_ok()) return s;
  for (int i = 0; i < shard_count(); ++i) {
    if (io::Status s = init_shard(shard(i), i, initial); !s.is_ok()) return s;
  }
  ready_ = true;
  return io::Status::ok();
}

io::Status Router::refresh_map() {
  const std::int64_t now = clock_.monotonic_ns();
  const bool due = !options_.bug_stale_routing && now - map_loaded_ns_ >= options_.map_refresh_ns;
  if (map_ && !map_stale_ && !due) return io::Status::ok();
  auto loaded = load_map(meta_, shard_count(), options_.vnodes);
  if (!loaded.is_ok()) {
    // The metadata database may be down: keep routing with the cached map (the fences refuse
    // what it gets wrong), and try again at the next transaction.
    return map_ ? io::Status::ok() : loaded.status();
  }
  if (map_) FL_ASSERT(loaded.value().version() >= 0);
  map_ = loaded.value();
  map_stale_ = false;
  map_loaded_ns_ = now;
  return io::Status::ok();
}

io::Result<io::TableSchema> Router::schema_of(const std::string& table) {
  auto it = schemas_.find(table);
  if (it != schemas_.end()) return it->second;
  auto loaded = load_tables(meta_);
  if (!loaded.is_ok()) return loaded.status();
  for (const io::TableSchema& s : loaded.value()) schemas_[s.name] = s;
  it = schemas_.find(table);
  if (it == schemas_.end()) {
    return io::Status::failed(io::ErrorKind::kNotFound, "no routed table " + table);
  }
  return it->second;
}

io::Status Router::create_table(const io::TableSchema& schema) {
  if (std::string e = io::validate_schema(schema); !e.empty()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, e);
  }
  if (io::Status s = ensure_ready(); !s.is_ok()) return s;
  for (int i = 0; i < shard_count(); ++i) {
    if (io::Status s = shard(i).create_table(schema); !s.is_ok()) return s;
  }
  // Recorded last: a table the metadata names exists on every shard.
  if (io::Status s = save_table(meta_, schema); !s.is_ok()) return s;
  schemas_[schema.name] = schema;
  return io::Status::ok();
}

io::Result<std::unique_ptr<io::SqlTransaction>> Router::begin(io::Isolation isolation) {
  if (io::Status s = ensure_ready(); !s.is_ok()) return s;
  if (io::Status s = refresh_map(); !s.is_ok()) return s;
  FL_ASSERT(map_.has_value());
  return std::unique_ptr<io::SqlTransaction>(make_router_txn(*this, isolation, *map_));
}

}  // namespace fl::shard
