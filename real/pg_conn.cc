#include "real/pg_conn.h"

#include <libpq-fe.h>

#include "real/fd_wait.h"
#include "system/io/assert.h"

namespace fl::real {
namespace {

std::int64_t now_ns() { return steady_now_ns(); }

io::ErrorKind kind_of(const char* sqlstate) {
  const std::string s = sqlstate == nullptr ? "" : sqlstate;
  if (s == "40001" || s == "40P01") return io::ErrorKind::kSerialization;
  if (s.rfind("23", 0) == 0) return io::ErrorKind::kConstraint;
  if (s == "42P01") return io::ErrorKind::kNotFound;
  if (s.rfind("22", 0) == 0 || s.rfind("42", 0) == 0 || s == "25006" || s == "0A000") {
    return io::ErrorKind::kInvalidArgument;
  }
  if (s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03") {
    return io::ErrorKind::kConnectionLost;
  }
  return io::ErrorKind::kInternal;
}

}  // namespace

PgConn::~PgConn() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool PgConn::healthy() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

io::Status PgConn::lost(const std::string& what) {
  std::string message = what;
  if (conn_ != nullptr) {
    message += ": ";
    message += PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
  }
  return io::Status::failed(io::ErrorKind::kConnectionLost, message, true);
}

bool PgConn::wait(bool for_write, std::int64_t deadline_ns) {
  return wait_fd(PQsocket(conn_), for_write, deadline_ns);
}

namespace {

// libpq's notice processor: the message without its trailing newline, to the sink.
void forward_notice(void* arg, const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  (*static_cast<const NoticeSink*>(arg))(text);
}

}  // namespace

io::Result<std::unique_ptr<PgConn>> PgConn::open(const std::string& conninfo,
                                                 std::int64_t timeout_ns,
                                                 const NoticeSink* notices) {
  PGconn* raw = PQconnectStart(conninfo.c_str());
  if (raw == nullptr) {
    return io::Status::failed(io::ErrorKind::kInternal, "libpq: out of memory");
  }
  if (notices != nullptr && *notices) {
    PQsetNoticeProcessor(raw, forward_notice, const_cast<NoticeSink*>(notices));
  }
  std::unique_ptr<PgConn> conn(new PgConn(raw));
  if (PQstatus(raw) == CONNECTION_BAD) return conn->lost("connect");
  const std::int64_t deadline = now_ns() + timeout_ns;
  constexpr int kMaxPolls = 1000;
  PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
  for (int i = 0; i < kMaxPolls; ++i) {
    if (poll == PGRES_POLLING_OK) break;
    if (poll == PGRES_POLLING_FAILED) return conn->lost("connect");
    // The socket may change while connecting: wait() re-reads PQsocket every time.
    if (!conn->wait(poll == PGRES_POLLING_WRITING, deadline)) return conn->lost("connect timeout");
    poll = PQconnectPoll(raw);
  }
  if (poll != PGRES_POLLING_OK) return conn->lost("connect: too many polls");
  if (PQsetnonblocking(raw, 1) != 0) return conn->lost("nonblocking");
  return conn;
}

bool PgConn::flush(std::int64_t deadline) {
  for (int flushed = PQflush(conn_); flushed != 0; flushed = PQflush(conn_)) {
    if (flushed < 0 || !wait(true, deadline)) return false;
  }
  return true;
}

bool PgConn::read_results(std::int64_t deadline, PgRows* out, std::optional<io::Status>* error,
                          bool* pipeline_sync) {
  constexpr int kMaxResults = 64;
  for (int n = 0; n < kMaxResults; ++n) {
    while (PQisBusy(conn_) != 0) {
      if (!wait(false, deadline)) return false;
      if (PQconsumeInput(conn_) == 0) return false;
    }
    PGresult* res = PQgetResult(conn_);
    if (res == nullptr) return true;
    const ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_PIPELINE_SYNC) {
      *pipeline_sync = true;
      PQclear(res);
      return true;
    }
    if ((st == PGRES_FATAL_ERROR || st == PGRES_PIPELINE_ABORTED) && !*error) {
      const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      const io::ErrorKind kind = kind_of(state);
      *error = io::Status::failed(
          kind, std::string(state ? state : "?????") + " " + PQresultErrorMessage(res),
          kind == io::ErrorKind::kSerialization || kind == io::ErrorKind::kConnectionLost);
    } else if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
      out->command = PQcmdStatus(res);
      const char* tuples = PQcmdTuples(res);
      out->affected = (tuples && *tuples) ? std::stoll(tuples) : 0;
      out->rows.clear();
      for (int r = 0; r < PQntuples(res); ++r) {
        std::vector<std::optional<std::string>> row;
        for (int c = 0; c < PQnfields(res); ++c) {
          if (PQgetisnull(res, r, c))
            row.emplace_back(std::nullopt);
          else
            row.emplace_back(std::string(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
        }
        out->rows.push_back(std::move(row));
      }
    }
    PQclear(res);
  }
  return false;
}

io::Result<PgRows> PgConn::exec(const std::string& sql,
                                const std::vector<std::optional<std::string>>& params,
                                std::int64_t timeout_ns) {
  if (conn_ == nullptr) return lost("connection closed");
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) == 0) {
    return lost("send");
  }
  const std::int64_t deadline = now_ns() + timeout_ns;
  if (!flush(deadline)) return lost("flush");
  PgRows out;
  std::optional<io::Status> error;
  bool sync = false;
  if (!read_results(deadline, &out, &error, &sync)) return lost("reading results");
  if (PQstatus(conn_) == CONNECTION_BAD) return lost("server closed the connection");
  if (error) return *error;
  return out;
}

io::Result<PgRows> PgConn::exec_after(const std::string& prefix, const std::string& sql,
                                      const std::vector<std::optional<std::string>>& params,
                                      std::int64_t timeout_ns) {
  if (conn_ == nullptr) return lost("connection closed");
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (PQenterPipelineMode(conn_) == 0) return lost("pipeline mode");
  if (PQsendQueryParams(conn_, prefix.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 0 ||
      PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) == 0 ||
      PQpipelineSync(conn_) == 0) {
    return lost("send");
  }
  const std::int64_t deadline = now_ns() + timeout_ns;
  if (!flush(deadline)) return lost("flush");
  PgRows first, out;
  std::optional<io::Status> error;
  bool sync = false;
  if (!read_results(deadline, &first, &error, &sync) ||
      !read_results(deadline, &out, &error, &sync)) {
    return lost("reading results");
  }
  for (int i = 0; i < 4 && !sync; ++i) {
    PgRows ignored;
    if (!read_results(deadline, &ignored, &error, &sync)) return lost("reading the sync");
  }
  if (!sync || PQexitPipelineMode(conn_) == 0) return lost("leaving pipeline mode");
  if (PQstatus(conn_) == CONNECTION_BAD) return lost("server closed the connection");
  if (error) return *error;
  return out;
}

}  // namespace fl::real
