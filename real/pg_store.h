// PgStore: io::SqlStore on real PostgreSQL through libpq (asynchronous, on fibers). Declared
// tables become real tables with real columns (bigint, text, boolean; NOT NULL; PRIMARY KEY), so
// a DBA can inspect them with psql. Tables created elsewhere are read back from the catalog on
// first use. SQLSTATEs map onto the seam: 40001/40P01 serialization (retryable), 23xxx
// constraint, 22xxx/42xxx/25006/0A000 invalid argument; a connection lost during COMMIT makes
// the commit indeterminate, anywhere else the transaction failed (the server rolls it back).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "real/pg_conn.h"
#include "system/io/sql_store.h"

namespace fl::real {

class PgStore final : public io::SqlStore {
 public:
  static constexpr std::size_t kMaxOpenConnections = 64;

  // `conninfo`: a libpq connection string; "" uses the PG* environment variables.
  explicit PgStore(std::string conninfo, std::size_t idle_pool_size = 8);
  ~PgStore() override;
  // Where the connections opened from now on send PostgreSQL's notices (see NoticeSink).
  void set_notice_sink(NoticeSink sink) { notices_ = std::move(sink); }

  io::Status create_table(const io::TableSchema& schema) override;
  io::Result<std::unique_ptr<io::SqlTransaction>> begin(io::Isolation isolation) override;

  // --- used by PgTransaction ---
  io::Result<std::unique_ptr<PgConn>> acquire();
  void release(std::unique_ptr<PgConn> conn);
  // The schema of `table`, from create_table() or the catalog (through `conn`).
  io::Result<io::TableSchema> schema(PgConn& conn, const std::string& table);

 private:
  std::string conninfo_;
  std::size_t idle_pool_size_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  std::size_t open_ = 0;
  std::map<std::string, io::TableSchema> schemas_;
  NoticeSink notices_;  // empty: libpq's default (stderr)
};

}  // namespace fl::real
