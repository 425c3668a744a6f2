// Health: GET /health reports each dependency of a service as ok or failed (with the error),
// and whether the service is live and ready:
//   200 {"service":"inventory","status":"ok","live":true,"ready":true,
//        "dependencies":{"postgres":{"status":"ok"},...}}
//   503 {"service":"inventory","status":"degraded","live":true,"ready":false,
//        "dependencies":{"redis":{"status":"failed","error":"failed/unreachable: ..."}}}
// GET /health/live: 200 while the process serves (a liveness probe: restart it if this fails).
// GET /health/ready: 200 when every dependency answers and every readiness condition holds (the
// service's Kafka consumers have joined their groups, ...), else 503 naming what is not ready:
// a service that loses a dependency turns not-ready, and ready again when it is back.
// A probe is one real round trip through the seam (a read-only transaction, a cache read, an
// acknowledged produce), so "ok" means the dependency answered just now, not that a connection
// object exists.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "system/api/json_body.h"
#include "system/io/event_log.h"
#include "system/io/kv_cache.h"
#include "system/io/sql_store.h"

namespace fl::api {

constexpr std::size_t kMaxProbes = 8;

using Probe = std::function<io::Status()>;

class Health {
 public:
  explicit Health(std::string service) : service_(std::move(service)) {}
  // REQUIRES: fewer than kMaxProbes probes, a unique name.
  void add(std::string dependency, Probe probe);
  // A condition for readiness beyond the dependencies: "" when met, else why not.
  // REQUIRES: fewer than kMaxProbes conditions, a unique name.
  void add_readiness(std::string name, std::function<std::string()> condition);
  // Runs every probe in order and builds the response (GET /health).
  io::Response check() const;
  io::Response live() const;   // GET /health/live
  io::Response ready() const;  // GET /health/ready

 private:
  std::string service_;
  std::vector<std::pair<std::string, Probe>> probes_;
  std::vector<std::pair<std::string, std::function<std::string()>>> conditions_;

  // Each dependency's status, and whether all were ok.
  Json dependencies(bool* all_ok) const;
  // What keeps the service from being ready (empty: ready), given the dependencies' verdict.
  Json not_ready(bool dependencies_ok) const;
};

// A read committed transaction that scans at most one row of `table`, then commits.
Probe sql_probe(io::SqlStore& sql, std::string table);
// GET of `key` (absent is fine).
Probe cache_probe(io::KvCache& cache, std::string key);
// An acknowledged produce of a small record to `topic` (which the service created).
Probe events_probe(io::EventLog& events, std::string topic, std::string key);

}  // namespace fl::api
