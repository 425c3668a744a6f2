// Backend: what a contract test needs from a set of data stores, so that one suite runs
// unchanged against the simulated models (sim_backend.cc) and against real PostgreSQL, Redis and
// librdkafka. Every test body runs on a fiber of the backend's runtime.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "system/io/clock.h"
#include "system/io/event_log.h"
#include "system/io/kv_cache.h"
#include "system/io/sql_store.h"

namespace fl::contract {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Whether this backend has a Redis / Kafka client yet (tests of a missing one are skipped,
  // and say so).
  virtual bool has_cache() const { return true; }
  virtual bool has_events() const { return true; }
  // Runs `body` to completion with fresh stores (no tables, no keys, no topics).
  virtual void run(const std::function<void()>& body) = 0;

  virtual io::Clock& clock() = 0;
  virtual io::SqlStore& sql() = 0;          // sessions on the primary
  virtual io::SqlStore& replica_sql() = 0;  // read-only sessions on an async streaming replica
  virtual io::KvCache& cache() = 0;         // a Redis with persistence off (appendonly no)
  // A new Kafka client: consumer `member` of whatever group it subscribes to.
  virtual std::unique_ptr<io::EventLog> events(const std::string& member) = 0;

  // Faults: an immediate crash (kill -9 / pg_ctl -m immediate) and a restart with recovery.
  virtual void crash_sql() = 0;
  virtual void restart_sql() = 0;
  virtual void crash_cache() = 0;
  // The replica process: an immediate crash, a restart, and promotion to primary (after which
  // replica_sql() sessions may write).
  virtual void crash_replica() = 0;
  virtual void restart_replica() = 0;
  virtual void promote_replica() = 0;
  // Stops / resumes the replica's WAL replay (sim: the primary->replica link is cut).
  virtual void pause_replica() = 0;
  virtual void resume_replica() = 0;
  virtual void restart_cache() = 0;
  // How long until an abandoned consumer group member is replaced (session timeout + margin).
  virtual std::int64_t session_timeout_ns() const = 0;
};

// The backends this build can test; the suite is instantiated over all of them.
std::vector<std::string> backend_names();
std::unique_ptr<Backend> make_backend(const std::string& name);

}  // namespace fl::contract
