// SqlStore: PostgreSQL behind the seam. Transactions at a chosen isolation level over declared
// tables of typed rows with a primary key. Real mode creates real PostgreSQL tables with real
// columns; the simulator models PostgreSQL's semantics per level, and no stronger.
//
// Isolation (as PostgreSQL implements it, which is what callers may rely on):
//  - kReadCommitted: each statement sees the data committed before it began. An update or
//    conditional update of a row changed by a concurrent committed transaction re-checks its
//    condition against the newest version (lost updates of read-then-write sequences possible).
//  - kRepeatableRead: one snapshot per transaction (taken at its first statement). Updating or
//    deleting a row changed by a transaction that committed after the snapshot fails with a
//    serialization error (first updater wins). Write skew is possible.
//  - kSerializable: as repeatable read, and any commit that would make the execution not
//    serializable fails with a serialization error (write skew is refused).
//
// Outcomes: every method returns ok, failed or indeterminate (status.h). Error kinds used:
//  kSerialization (retryable: run the whole transaction again), kConstraint (primary key
//  conflict, NOT NULL, type), kConnectionLost (the transaction is gone, nothing of it committed),
//  kNotFound (no such table), kInvalidArgument (a row or filter that does not fit the schema, or
//  a text value with a NUL byte, which PostgreSQL cannot store: in a row, a key or a filter).
//  commit() alone may be indeterminate: the commit may or may not have happened (a lost
//  acknowledgement). After any non-ok result the transaction is finished: only rollback() and
//  destruction are allowed.
// Durability: what commit() acknowledged as ok survives a crash of the database (synchronous
// commit); it may be missing on a replica promoted before it was replicated (async replication).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "system/io/status.h"

namespace fl::io {

enum class Isolation : std::uint8_t { kReadCommitted, kRepeatableRead, kSerializable };
const char* to_string(Isolation isolation);

enum class ColumnType : std::uint8_t { kInt64, kText, kBool };

struct Null {
  bool operator==(const Null&) const = default;
  auto operator<=>(const Null&) const = default;
};
// One column value. Ordering (for keys and scans) is by type index, then value; NULL first.
using Value = std::variant<Null, std::int64_t, std::string, bool>;
using Row = std::vector<Value>;  // in the table's column order
using Key = std::vector<Value>;  // the primary key columns' values, in key order

struct Column {
  std::string name;  // [a-z_][a-z0-9_]*, at most 63 bytes
  ColumnType type = ColumnType::kInt64;
  bool nullable = false;
};

// A secondary index (CREATE INDEX <table>__<name> ON <table> (columns) in production). Its
// order is (its columns..., then the primary key's columns...): the order of an index scan, and
// the tuple its bounds compare with. An index adds no constraint; it only makes reads cheap.
struct IndexSchema {
  std::string name;                  // [a-z_][a-z0-9_]*; "<table>__<name>" at most 63 bytes
  std::vector<std::size_t> columns;  // column indexes, 1 to kMaxIndexColumns, distinct
};
constexpr std::size_t kMaxIndexes = 8;
constexpr std::size_t kMaxIndexColumns = 8;

struct TableSchema {
  std::string name;  // [a-z_][a-z0-9_]*, at most 63 bytes
  std::vector<Column> columns;
  std::vector<std::size_t> primary_key;  // column indexes, non-empty, non-nullable columns
  // Declared by create_table; an index missing on an existing table is created there (adding
  // an index is the one schema change create_table makes). At most kMaxIndexes.
  std::vector<IndexSchema> indexes = {};
};

// Checks names, types and the key; returns an error text or "".
std::string validate_schema(const TableSchema& schema);
// Checks a row against a schema; returns an error text or "".
std::string validate_row(const TableSchema& schema, const Row& row);
// "" or why `values` cannot reach PostgreSQL: its text type cannot hold a NUL byte (libpq would
// cut the value short there, so two different values would become one).
std::string validate_texts(const std::vector<Value>& values);
Key key_of(const TableSchema& schema, const Row& row);
// The named index of `schema`, or nullptr.
const IndexSchema* find_index(const TableSchema& schema, const std::string& name);
// The columns a scan orders by: the primary key's, or `index`'s followed by the primary key's.
std::vector<std::size_t> order_columns(const TableSchema& schema, const IndexSchema* index);
// `row`'s values in those columns: its position in the scan order.
Key order_key(const std::vector<std::size_t>& columns, const Row& row);

enum class CompareOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct Filter {
  std::size_t column = 0;
  CompareOp op = CompareOp::kEq;
  Value value;
};
bool matches(const Row& row, const std::vector<Filter>& filters);

struct Assignment {
  std::size_t column = 0;
  Value value;
};

// A scan in the order of the primary key, or of a secondary index (`index` names it). Bounds
// compare with the order tuple (order_columns) or a prefix of it, lexicographically, a prefix
// sorting before every tuple it begins: from = {"running"} starts at the first running row,
// until = {"running"} stops before it. Rows are those visible to the transaction (an index
// never shows a version the transaction could not see), in order, at most `limit`.
struct ScanSpec {
  std::optional<Key> from;   // inclusive lower bound on the order tuple (or a prefix)
  std::optional<Key> until;  // exclusive upper bound
  std::vector<Filter> filters;
  std::size_t limit = 1000;  // at most kMaxScanRows
  bool descending = false;
  std::string index;  // "": the primary key's order; else a declared index's name
};
// "" or why `spec` cannot scan `schema` (no such index, a bound longer than the order tuple or
// with a value of another type than its column, a limit above kMaxScanRows).
std::string validate_scan(const TableSchema& schema, const ScanSpec& spec);
constexpr std::size_t kMaxScanRows = 10000;
constexpr std::size_t kMaxColumns = 64;

class SqlTransaction {
 public:
  SqlTransaction() = default;
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;
  // Destroying an unfinished transaction rolls it back.
  virtual ~SqlTransaction() = default;

  virtual Result<std::optional<Row>> get(const std::string& table, const Key& key) = 0;
  // Fails with kConstraint if a row with the same key exists (or is being inserted concurrently
  // and then commits).
  virtual Status insert(const std::string& table, const Row& row) = 0;
  // INSERT ... ON CONFLICT (key) DO UPDATE SET every column.
  virtual Status upsert(const std::string& table, const Row& row) = 0;
  // UPDATE ... SET assignments WHERE key = k AND filters. Returns whether a row was updated.
  virtual Result<bool> update(const std::string& table, const Key& key,
                              const std::vector<Filter>& conditions,
                              const std::vector<Assignment>& assignments) = 0;
  // DELETE ... WHERE key = k. Returns whether a row was deleted.
  virtual Result<bool> remove(const std::string& table, const Key& key) = 0;
  // SELECT ... in primary key order, rows matching every filter, at most spec.limit rows.
  virtual Result<std::vector<Row>> scan(const std::string& table, const ScanSpec& spec) = 0;
  // ok: committed durably. failed: nothing committed. indeterminate: unknown.
  virtual Status commit() = 0;
  virtual void rollback() = 0;
};

class SqlStore {
 public:
  SqlStore() = default;
  SqlStore(const SqlStore&) = delete;
  SqlStore& operator=(const SqlStore&) = delete;
  virtual ~SqlStore() = default;

  // CREATE TABLE IF NOT EXISTS; an existing table with another schema is kConstraint.
  virtual Status create_table(const TableSchema& schema) = 0;
  // Starts a transaction. May fail with kConnectionLost/kUnavailable if the database is down,
  // or succeed and leave that to the first statement (implementations may defer BEGIN).
  virtual Result<std::unique_ptr<SqlTransaction>> begin(Isolation isolation) = 0;
};

}  // namespace fl::io
