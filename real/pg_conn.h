// PgConn: one libpq connection driven asynchronously from fibers (TOOLCHAIN.md): connect with
// PQconnectStart/PQconnectPoll, send with PQsendQueryParams/PQflush, read with
// PQconsumeInput/PQisBusy/PQgetResult, waiting for socket readiness through Asio (the descriptor
// is released, never closed: libpq owns the fd). Never PQexec or PQconnectdb, which would freeze
// every fiber on the thread. Every wait has a deadline; a connection that misses it is closed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "system/io/status.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace fl::real {

// A query result: rows of optional text values (nullopt: SQL NULL) and the affected-row count.
struct PgRows {
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::int64_t affected = 0;
  std::string command;  // "COMMIT", "ROLLBACK", "UPDATE 1", ...
};

// Receives PostgreSQL's notices and warnings on a connection (e.g. "relation ... already exists,
// skipping"), one message text each, on the fiber that runs the statement. Without one, libpq
// prints them to stderr.
using NoticeSink = std::function<void(const std::string& text)>;

class PgConn {
 public:
  static constexpr std::int64_t kDefaultTimeoutNs = 30LL * 1000 * 1000 * 1000;

  // Opens a connection (conninfo "" means the PG* environment variables). `notices`, when not
  // null, must outlive the connection.
  static io::Result<std::unique_ptr<PgConn>> open(const std::string& conninfo,
                                                  std::int64_t timeout_ns = kDefaultTimeoutNs,
                                                  const NoticeSink* notices = nullptr);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs one statement with text parameters (nullopt: NULL). Errors: kSerialization (40001,
  // 40P01), kConstraint (23xxx), kInvalidArgument (22xxx, 42xxx, 25006, 0A000),
  // kConnectionLost (the connection broke or timed out; it is then closed), kInternal.
  io::Result<PgRows> exec(const std::string& sql,
                          const std::vector<std::optional<std::string>>& params = {},
                          std::int64_t timeout_ns = kDefaultTimeoutNs);
  // As exec(), with `prefix` (a statement without parameters, e.g. BEGIN) sent before it in the
  // same round trip (libpq pipeline mode). An error in either is returned; results are the
  // second statement's.
  io::Result<PgRows> exec_after(const std::string& prefix, const std::string& sql,
                                const std::vector<std::optional<std::string>>& params,
                                std::int64_t timeout_ns = kDefaultTimeoutNs);
  bool healthy() const;

 private:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  // Waits until the socket is readable (or writable); false on timeout or error.
  bool wait(bool for_write, std::int64_t deadline_ns);
  io::Status lost(const std::string& what);
  // Reads one statement's results (until the NULL that ends them) into `out` / `error`.
  bool read_results(std::int64_t deadline, PgRows* out, std::optional<io::Status>* error,
                    bool* pipeline_sync);
  bool flush(std::int64_t deadline);

  PGconn* conn_;
};

}  // namespace fl::real
