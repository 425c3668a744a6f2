// The shard map, the fence rows and their tables (shard_map.h).
#include "system/shard/shard_map.h"

#include <algorithm>
#include <sstream>

#include "system/io/assert.h"

namespace fl::shard {

const char* const kMapTable = "shard_map";
const char* const kTablesTable = "shard_tables";
const char* const kFenceTable = "shard_fence";
const char* const kChangelogTable = "shard_changelog";

namespace {

using io::ColumnType;

std::int64_t as_int(const io::Value& v) { return std::get<std::int64_t>(v); }

// Runs `attempt` until it is ok or fails for good; retries serialization failures and
// constraint conflicts (a concurrent initialiser won) at most kInitAttempts times.
template <typename F>
io::Status retrying(F attempt) {
  io::Status last = io::Status::ok();
  for (int i = 0; i < kInitAttempts; ++i) {
    last = attempt();
    if (last.is_ok()) return last;
    const bool again =
        last.kind() == io::ErrorKind::kSerialization || last.kind() == io::ErrorKind::kConstraint;
    if (!again) return last;
  }
  return last;
}

}  // namespace

std::int64_t ShardMap::version() const {
  std::int64_t v = 0;
  for (const VnodeOwner& o : vnodes) v = std::max(v, o.epoch);
  return v;
}

std::vector<int> ShardMap::owned_by(int shard) const {
  std::vector<int> out;
  for (int v = 0; v < vnode_count(); ++v) {
    if (vnodes[static_cast<std::size_t>(v)].shard == shard) out.push_back(v);
  }
  return out;
}

ShardMap initial_map(int shards, int initial_shards, int vnodes) {
  FL_ASSERT(shards >= 1 && shards <= kMaxShards);
  FL_ASSERT(initial_shards >= 1 && initial_shards <= shards);
  FL_ASSERT(vnodes >= 1 && vnodes <= kMaxVnodes);
  ShardMap map;
  map.shards = shards;
  for (int v = 0; v < vnodes; ++v) map.vnodes.push_back({v % initial_shards, 1});
  return map;
}

io::TableSchema map_schema() {
  return {
      kMapTable,
      {{"vnode", ColumnType::kInt64}, {"shard", ColumnType::kInt64}, {"epoch", ColumnType::kInt64}},
      {0}};
}
io::TableSchema tables_schema() {
  return {kTablesTable, {{"name", ColumnType::kText}, {"spec", ColumnType::kText}}, {0}};
}
io::TableSchema fence_schema() {
  return {kFenceTable,
          {{"vnode", ColumnType::kInt64},
           {"owned", ColumnType::kBool},
           {"epoch", ColumnType::kInt64},
           {"seq", ColumnType::kInt64},
           {"moving", ColumnType::kBool}},
          {0}};
}
io::TableSchema changelog_schema() {
  return {kChangelogTable,
          {{"vnode", ColumnType::kInt64},
           {"seq", ColumnType::kInt64},
           {"tbl", ColumnType::kText},
           {"k", ColumnType::kText}},
          {0, 1, 2, 3}};
}

io::Row fence_row(int vnode, const Fence& f) {
  return {io::Value(std::int64_t{vnode}), io::Value(f.owned), io::Value(f.epoch), io::Value(f.seq),
          io::Value(f.moving)};
}

Fence fence_of(const io::Row& row) {
  FL_ASSERT_EQ(row.size(), std::size_t{5});
  return {std::get<bool>(row[1]), as_int(row[2]), as_int(row[3]), std::get<bool>(row[4])};
}

io::Result<std::optional<Fence>> read_fence(io::SqlTransaction& tx, int vnode) {
  auto got = tx.get(kFenceTable, {io::Value(std::int64_t{vnode})});
  if (!got.is_ok()) return got.status();
  if (!got.value()) return std::optional<Fence>();
  return std::optional<Fence>(fence_of(*got.value()));
}

std::string encode_schema(const io::TableSchema& schema) {
  std::ostringstream out;
  out << schema.name << "\n";
  for (const io::Column& c : schema.columns) {
    const char type = c.type == ColumnType::kInt64 ? 'i' : c.type == ColumnType::kText ? 't' : 'b';
    out << "c " << c.name << " " << type << " " << (c.nullable ? 1 : 0) << "\n";
  }
  out << "k";
  for (std::size_t k : schema.primary_key) out << " " << k;
  for (const io::IndexSchema& index : schema.indexes) {
    out << "\nx " << index.name;
    for (std::size_t c : index.columns) out << " " << c;
  }
  return out.str();
}

std::optional<io::TableSchema> decode_schema(const std::string& text) {
  std::istringstream in(text);
  io::TableSchema schema;
  if (!std::getline(in, schema.name)) return std::nullopt;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string tag;
    fields >> tag;
    if (tag == "c") {
      io::Column c;
      std::string type;
      int nullable = 0;
      if (!(fields >> c.name >> type >> nullable) || type.size() != 1) return std::nullopt;
      c.type = type == "i"   ? ColumnType::kInt64
               : type == "t" ? ColumnType::kText
                             : ColumnType::kBool;
      c.nullable = nullable != 0;
      if (schema.columns.size() >= io::kMaxColumns) return std::nullopt;
      schema.columns.push_back(c);
    } else if (tag == "k") {
      std::size_t index = 0;
      while (fields >> index) schema.primary_key.push_back(index);
    } else if (tag == "x") {  // a secondary index: name, then its columns
      io::IndexSchema index;
      std::size_t column = 0;
      if (!(fields >> index.name) || schema.indexes.size() >= io::kMaxIndexes) return std::nullopt;
      while (fields >> column && index.columns.size() <= io::kMaxIndexColumns) {
        index.columns.push_back(column);
      }
      schema.indexes.push_back(std::move(index));
    } else {
      return std::nullopt;
    }
  }
  if (!io::validate_schema(schema).empty()) return std::nullopt;
  return schema;
}

io::Status init_metadata(io::SqlStore& meta, const ShardMap& initial) {
  for (const auto& schema : {map_schema(), tables_schema()}) {
    if (io::Status s = meta.create_table(schema); !s.is_ok()) return s;
  }
  return retrying([&]() -> io::Status {
    auto begun = meta.begin(io::Isolation::kRepeatableRead);
    if (!begun.is_ok()) return begun.status();
    io::SqlTransaction& tx = *begun.value();
    io::ScanSpec spec;
    spec.limit = static_cast<std::size_t>(kMaxVnodes) + 1;
    auto rows = tx.scan(kMapTable, spec);
    if (!rows.is_ok()) return rows.status();
    if (!rows.value().empty()) return io::Status::ok();  // destroying tx rolls back
    for (int v = 0; v < initial.vnode_count(); ++v) {
      const VnodeOwner& o = initial.vnodes[static_cast<std::size_t>(v)];
      io::Status s = tx.insert(kMapTable, {io::Value(std::int64_t{v}),
                                           io::Value(std::int64_t{o.shard}), io::Value(o.epoch)});
      if (!s.is_ok()) return s;
    }
    return tx.commit();
  });
}

io::Status init_shard(io::SqlStore& shard, int index, const ShardMap& initial) {
  for (const auto& schema : {fence_schema(), changelog_schema()}) {
    if (io::Status s = shard.create_table(schema); !s.is_ok()) return s;
  }
  return retrying([&]() -> io::Status {
    auto begun = shard.begin(io::Isolation::kRepeatableRead);
    if (!begun.is_ok()) return begun.status();
    io::SqlTransaction& tx = *begun.value();
    io::ScanSpec spec;
    spec.limit = 1;
    auto rows = tx.scan(kFenceTable, spec);
    if (!rows.is_ok()) return rows.status();
    if (!rows.value().empty()) return io::Status::ok();
    for (int v = 0; v < initial.vnode_count(); ++v) {
      const VnodeOwner& o = initial.vnodes[static_cast<std::size_t>(v)];
      Fence f{o.shard == index, o.epoch, 0, false};
      if (io::Status s = tx.insert(kFenceTable, fence_row(v, f)); !s.is_ok()) return s;
    }
    return tx.commit();
  });
}

io::Result<ShardMap> load_map(io::SqlStore& meta, int shards, int vnodes) {
  auto begun = meta.begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  io::ScanSpec spec;
  spec.limit = static_cast<std::size_t>(kMaxVnodes) + 1;
  auto rows = begun.value()->scan(kMapTable, spec);
  if (!rows.is_ok()) return rows.status();
  begun.value()->rollback();
  if (rows.value().empty()) return io::Status::failed(io::ErrorKind::kNotFound, "no shard map yet");
  ShardMap map;
  map.shards = shards;
  for (const io::Row& row : rows.value()) {
    const std::int64_t v = as_int(row[0]);
    const std::int64_t s = as_int(row[1]);
    if (v != map.vnode_count() || s < 0 || s >= shards) {
      return io::Status::failed(io::ErrorKind::kInternal, "shard map row does not fit");
    }
    map.vnodes.push_back({static_cast<int>(s), as_int(row[2])});
  }
  if (map.vnode_count() != vnodes) {
    return io::Status::failed(io::ErrorKind::kInternal,
                              "shard map has " + std::to_string(map.vnode_count()) +
                                  " vnodes, expected " + std::to_string(vnodes));
  }
  return map;
}

io::Status save_table(io::SqlStore& meta, const io::TableSchema& schema) {
  return retrying([&]() -> io::Status {
    auto begun = meta.begin(io::Isolation::kReadCommitted);
    if (!begun.is_ok()) return begun.status();
    io::Status s = begun.value()->upsert(
        kTablesTable, {io::Value(schema.name), io::Value(encode_schema(schema))});
    if (!s.is_ok()) return s;
    return begun.value()->commit();
  });
}

io::Result<std::vector<io::TableSchema>> load_tables(io::SqlStore& meta) {
  auto begun = meta.begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  io::ScanSpec spec;
  spec.limit = kMaxTables;
  auto rows = begun.value()->scan(kTablesTable, spec);
  if (!rows.is_ok()) return rows.status();
  std::vector<io::TableSchema> out;
  for (const io::Row& row : rows.value()) {
    auto schema = decode_schema(std::get<std::string>(row[1]));
    if (!schema) return io::Status::failed(io::ErrorKind::kInternal, "bad table spec");
    out.push_back(*schema);
  }
  return out;
}

}  // namespace fl::shard
