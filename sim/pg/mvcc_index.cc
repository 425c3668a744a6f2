// Secondary indexes of MvccEngine. An index holds the order tuple (index columns, then primary
// key columns) of every version of every row that vacuum has not removed — as PostgreSQL's
// B-tree holds one entry per heap tuple, dead or alive. A scan walks the entries in order and
// keeps an entry only if the version the transaction sees of that row has exactly that tuple
// (PostgreSQL's recheck against the heap): so an index scan shows what a primary-key scan
// would show, in another order, under every isolation level.
#include "sim/pg/mvcc.h"
#include "system/io/assert.h"

namespace fl::sim::pg {
namespace {

// The primary key at the end of an order tuple.
io::Key key_in(const io::TableSchema& schema, const io::Key& tuple) {
  FL_ASSERT_LE(schema.primary_key.size(), tuple.size());
  return io::Key(tuple.end() - static_cast<std::ptrdiff_t>(schema.primary_key.size()), tuple.end());
}

}  // namespace

void MvccEngine::add_index(Table& table, const io::IndexSchema& index) {
  FL_ASSERT_LT(table.schema.indexes.size(), io::kMaxIndexes);
  table.schema.indexes.push_back(index);
  const std::vector<std::size_t> order = io::order_columns(table.schema, &index);
  std::set<io::Key>& entries = table.index_entries[index.name];
  for (const auto& [key, versions] : table.rows) {
    for (const Version& v : versions) entries.insert(io::order_key(order, v.row));
  }
}

void MvccEngine::index_version(Table& table, const io::Row& row) {
  for (const io::IndexSchema& index : table.schema.indexes) {
    table.index_entries[index.name].insert(
        io::order_key(io::order_columns(table.schema, &index), row));
  }
}

void MvccEngine::unindex_versions(Table& table, const std::vector<io::Row>& gone,
                                  const std::vector<Version>& kept) {
  for (const io::IndexSchema& index : table.schema.indexes) {
    const std::vector<std::size_t> order = io::order_columns(table.schema, &index);
    std::set<io::Key> live;
    for (const Version& v : kept) live.insert(io::order_key(order, v.row));
    std::set<io::Key>& entries = table.index_entries[index.name];
    for (const io::Row& row : gone) {
      io::Key tuple = io::order_key(order, row);
      if (live.count(tuple) == 0) entries.erase(tuple);
    }
  }
}

Op<std::vector<io::Row>> MvccEngine::index_scan(TxId tx, Csn snap, const Table& table,
                                                const io::ScanSpec& spec) {
  using R = Op<std::vector<io::Row>>;
  const io::IndexSchema* index = io::find_index(table.schema, spec.index);
  FL_ASSERT(index != nullptr);  // validate_scan ran
  const std::vector<std::size_t> order = io::order_columns(table.schema, index);
  auto found = table.index_entries.find(spec.index);
  std::vector<io::Row> out;
  if (found == table.index_entries.end()) return R::ok(std::move(out));
  const std::set<io::Key>& entries = found->second;
  if (spec.from && spec.until && !(*spec.from < *spec.until)) return R::ok(std::move(out));
  auto lo = spec.from ? entries.lower_bound(*spec.from) : entries.begin();
  auto hi = spec.until ? entries.lower_bound(*spec.until) : entries.end();
  auto take = [&](const io::Key& tuple) {
    auto row = table.rows.find(key_in(table.schema, tuple));
    if (row == table.rows.end()) return;
    const Version* v = visible(row->second, tx, snap);
    if (v == nullptr || io::order_key(order, v->row) != tuple) return;
    if (io::matches(v->row, spec.filters)) out.push_back(v->row);
  };
  if (!spec.descending) {
    for (auto it = lo; it != hi && out.size() < spec.limit; ++it) take(*it);
  } else {
    for (auto it = hi; it != lo && out.size() < spec.limit;) take(*--it);
  }
  return R::ok(std::move(out));
}

}  // namespace fl::sim::pg
