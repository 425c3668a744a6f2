#include "real/pg_store.h"

#include "real/pg_sql.h"
#include "system/io/assert.h"

namespace fl::real {
namespace {

class PgTransaction final : public io::SqlTransaction {
 public:
  // BEGIN is sent lazily, pipelined with the first statement (one round trip saved).
  PgTransaction(PgStore* store, std::unique_ptr<PgConn> conn, io::Isolation isolation)
      : store_(store), conn_(std::move(conn)), begin_(pgsql::begin(isolation)) {}
  ~PgTransaction() override { rollback(); }

  io::Result<std::optional<io::Row>> get(const std::string& table, const io::Key& key) override;
  io::Status insert(const std::string& table, const io::Row& row) override {
    return write(table, row, false);
  }
  io::Status upsert(const std::string& table, const io::Row& row) override {
    return write(table, row, true);
  }
  io::Result<bool> update(const std::string& table, const io::Key& key,
                          const std::vector<io::Filter>& conditions,
                          const std::vector<io::Assignment>& assignments) override;
  io::Result<bool> remove(const std::string& table, const io::Key& key) override;
  io::Result<std::vector<io::Row>> scan(const std::string& table,
                                        const io::ScanSpec& spec) override;
  io::Status commit() override;
  void rollback() override;

 private:
  io::Result<PgRows> run(const std::string& sql, const pgsql::Params& params);
  io::Result<io::TableSchema> schema_of(const std::string& table);
  io::Status write(const std::string& table, const io::Row& row, bool upsert);
  io::Result<io::Row> decode_row(const io::TableSchema& s,
                                 const std::vector<std::optional<std::string>>& text);
  void finish();

  PgStore* store_;
  std::unique_ptr<PgConn> conn_;
  bool finished_ = false;
  std::string begin_;  // not yet sent while non-empty
};

io::Status finished_error() {
  return io::Status::failed(io::ErrorKind::kInternal, "transaction is finished");
}

io::Result<PgRows> PgTransaction::run(const std::string& sql, const pgsql::Params& params) {
  if (finished_ || !conn_) return finished_error();
  for (const auto& p : params) {
    if (p && p->find('\0') != std::string::npos) {  // libpq would cut the text short here
      rollback();
      return io::Status::failed(io::ErrorKind::kInvalidArgument,
                                "a text value holds a NUL byte, which PostgreSQL cannot store");
    }
  }
  auto res = begin_.empty() ? conn_->exec(sql, params) : conn_->exec_after(begin_, sql, params);
  begin_.clear();
  if (!res.is_ok()) {
    // PostgreSQL has aborted the transaction; end it so the connection can be reused.
    if (conn_->healthy()) (void)conn_->exec("ROLLBACK");
    finish();
  }
  return res;
}

io::Result<io::TableSchema> PgTransaction::schema_of(const std::string& table) {
  if (finished_ || !conn_) return finished_error();
  auto s = store_->schema(*conn_, table);
  if (!s.is_ok()) {
    if (conn_->healthy()) (void)conn_->exec("ROLLBACK");
    finish();
  }
  return s;
}

io::Result<io::Row> PgTransaction::decode_row(const io::TableSchema& s,
                                              const std::vector<std::optional<std::string>>& text) {
  if (text.size() != s.columns.size()) {
    return io::Status::failed(io::ErrorKind::kInternal, "column count mismatch in " + s.name);
  }
  io::Row row(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!pgsql::decode(s.columns[i].type, text[i], &row[i])) {
      return io::Status::failed(io::ErrorKind::kInternal, "cannot decode " + s.columns[i].name);
    }
  }
  return row;
}

io::Result<std::optional<io::Row>> PgTransaction::get(const std::string& table,
                                                      const io::Key& key) {
  auto s = schema_of(table);
  if (!s.is_ok()) return s.status();
  pgsql::Params params;
  auto res = run(pgsql::get(s.value(), key, &params), params);
  if (!res.is_ok()) return res.status();
  if (res.value().rows.empty()) return std::optional<io::Row>();
  auto row = decode_row(s.value(), res.value().rows.front());
  if (!row.is_ok()) return row.status();
  return std::optional<io::Row>(std::move(row.value()));
}

io::Status PgTransaction::write(const std::string& table, const io::Row& row, bool upsert) {
  auto s = schema_of(table);
  if (!s.is_ok()) return s.status();
  if (row.size() != s.value().columns.size()) {
    rollback();
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "row does not fit " + table);
  }
  pgsql::Params params;
  auto res = run(pgsql::insert(s.value(), row, upsert, &params), params);
  return res.is_ok() ? io::Status::ok() : res.status();
}

io::Result<bool> PgTransaction::update(const std::string& table, const io::Key& key,
                                       const std::vector<io::Filter>& conditions,
                                       const std::vector<io::Assignment>& assignments) {
  auto s = schema_of(table);
  if (!s.is_ok()) return s.status();
  if (assignments.empty()) {
    rollback();
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "update without assignments");
  }
  pgsql::Params params;
  auto res = run(pgsql::update(s.value(), key, conditions, assignments, &params), params);
  if (!res.is_ok()) return res.status();
  return res.value().affected > 0;
}

io::Result<bool> PgTransaction::remove(const std::string& table, const io::Key& key) {
  auto s = schema_of(table);
  if (!s.is_ok()) return s.status();
  pgsql::Params params;
  auto res = run(pgsql::remove(s.value(), key, &params), params);
  if (!res.is_ok()) return res.status();
  return res.value().affected > 0;
}

io::Result<std::vector<io::Row>> PgTransaction::scan(const std::string& table,
                                                     const io::ScanSpec& spec) {
  auto s = schema_of(table);
  if (!s.is_ok()) return s.status();
  if (std::string why = io::validate_scan(s.value(), spec); !why.empty()) {
    rollback();
    return io::Status::failed(io::ErrorKind::kInvalidArgument, why);
  }
  pgsql::Params params;
  auto res = run(pgsql::scan(s.value(), spec, &params), params);
  if (!res.is_ok()) return res.status();
  std::vector<io::Row> rows;
  for (const auto& text : res.value().rows) {
    auto row = decode_row(s.value(), text);
    if (!row.is_ok()) return row.status();
    rows.push_back(std::move(row.value()));
  }
  return rows;
}

io::Status PgTransaction::commit() {
  if (finished_ || !conn_) return finished_error();
  if (!begin_.empty()) {  // nothing was executed: nothing to commit
    finish();
    return io::Status::ok();
  }
  auto res = conn_->exec("COMMIT");
  const bool healthy = conn_->healthy();
  finish();
  if (res.is_ok()) {
    if (res.value().command == "COMMIT") return io::Status::ok();
    return io::Status::failed(io::ErrorKind::kSerialization, "the transaction was rolled back",
                              true);
  }
  if (res.status().kind() == io::ErrorKind::kConnectionLost || !healthy) {
    return io::Status::indeterminate(io::ErrorKind::kConnectionLost,
                                     "connection lost during COMMIT: " + res.status().message());
  }
  return res.status();
}

void PgTransaction::rollback() {
  if (finished_) return;
  if (conn_ && conn_->healthy() && begin_.empty()) (void)conn_->exec("ROLLBACK");
  finish();
}

void PgTransaction::finish() {
  finished_ = true;
  if (conn_) store_->release(std::move(conn_));
}

io::ColumnType type_from(const std::string& name, bool* ok) {
  *ok = true;
  if (name == "bigint") return io::ColumnType::kInt64;
  if (name == "boolean") return io::ColumnType::kBool;
  if (name == "text") return io::ColumnType::kText;
  *ok = false;
  return io::ColumnType::kText;
}

}  // namespace

PgStore::PgStore(std::string conninfo, std::size_t idle_pool_size)
    : conninfo_(std::move(conninfo)), idle_pool_size_(idle_pool_size) {}

PgStore::~PgStore() = default;

io::Result<std::unique_ptr<PgConn>> PgStore::acquire() {
  while (!idle_.empty()) {
    std::unique_ptr<PgConn> conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->healthy()) return conn;
    --open_;
  }
  if (open_ >= kMaxOpenConnections) {
    return io::Status::failed(io::ErrorKind::kUnavailable, "connection pool exhausted", true);
  }
  auto conn = PgConn::open(conninfo_, PgConn::kDefaultTimeoutNs, &notices_);
  if (conn.is_ok()) ++open_;
  return conn;
}

void PgStore::release(std::unique_ptr<PgConn> conn) {
  FL_ASSERT(open_ > 0);
  if (conn->healthy() && idle_.size() < idle_pool_size_) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
}

io::Result<io::TableSchema> PgStore::schema(PgConn& conn, const std::string& table) {
  auto known = schemas_.find(table);
  if (known != schemas_.end()) return known->second;
  auto cols = conn.exec(pgsql::describe_columns(), {table});
  if (!cols.is_ok()) return cols.status();
  auto key = conn.exec(pgsql::describe_key(), {table});
  if (!key.is_ok()) return key.status();
  if (cols.value().rows.empty() || key.value().rows.empty() || !key.value().rows[0][0]) {
    return io::Status::failed(io::ErrorKind::kNotFound, "no table " + table);
  }
  io::TableSchema s;
  s.name = table;
  for (const auto& r : cols.value().rows) {
    bool ok = false;
    const io::ColumnType type = type_from(r[1].value_or(""), &ok);
    if (!ok) return io::Status::failed(io::ErrorKind::kInvalidArgument, "unsupported column type");
    s.columns.push_back(io::Column{r[0].value_or(""), type, r[2].value_or("f") != "t"});
  }
  std::string list = *key.value().rows[0][0];
  for (std::size_t pos = 0; pos < list.size();) {
    const std::size_t comma = std::min(list.find(',', pos), list.size());
    s.primary_key.push_back(std::stoul(list.substr(pos, comma - pos)) - 1);
    pos = comma + 1;
  }
  schemas_[table] = s;
  return s;
}

io::Status PgStore::create_table(const io::TableSchema& schema) {
  const std::string error = io::validate_schema(schema);
  if (!error.empty()) return io::Status::failed(io::ErrorKind::kInvalidArgument, error);
  auto conn = acquire();
  if (!conn.is_ok()) return conn.status();
  auto res = conn.value()->exec(pgsql::create_table(schema));
  io::Status status = res.is_ok() ? io::Status::ok() : res.status();
  for (std::size_t i = 0; status.is_ok() && i < schema.indexes.size(); ++i) {
    auto made = conn.value()->exec(pgsql::create_index(schema, schema.indexes[i]));
    if (!made.is_ok()) status = made.status();
  }
  if (status.is_ok()) {
    schemas_.erase(schema.name);
    auto actual = this->schema(*conn.value(), schema.name);
    if (!actual.is_ok()) {
      status = actual.status();
    } else {
      const auto& a = actual.value();
      bool same = a.primary_key == schema.primary_key && a.columns.size() == schema.columns.size();
      for (std::size_t i = 0; same && i < a.columns.size(); ++i) {
        same = a.columns[i].name == schema.columns[i].name &&
               a.columns[i].type == schema.columns[i].type &&
               a.columns[i].nullable == schema.columns[i].nullable;
      }
      if (same) schemas_[schema.name].indexes = schema.indexes;  // the catalog's are not read
      if (!same) {
        schemas_.erase(schema.name);
        status = io::Status::failed(io::ErrorKind::kConstraint,
                                    "table " + schema.name + " exists with another schema");
      }
    }
  }
  release(std::move(conn.value()));
  return status;
}

io::Result<std::unique_ptr<io::SqlTransaction>> PgStore::begin(io::Isolation isolation) {
  auto conn = acquire();
  if (!conn.is_ok()) return conn.status();
  return std::unique_ptr<io::SqlTransaction>(
      new PgTransaction(this, std::move(conn.value()), isolation));
}

}  // namespace fl::real
