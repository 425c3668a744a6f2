// Health: GET /health reports each dependency of a service as ok or failed (with the error).
//   200 {"service":"inventory","status":"ok","dependencies":{"postgres":{"status":"ok"},...}}
//   503 {"service":"inventory","status":"degraded","dependencies":{"redis":{"status":"failed",
//        "error":"failed/unreachable: ..."}}}
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
  // Runs every probe in order and builds the response.
  io::Response check() const;

 private:
  std::string service_;
  std::vector<std::pair<std::string, Probe>> probes_;
};

// A read committed transaction that scans at most one row of `table`, then commits.
Probe sql_probe(io::SqlStore& sql, std::string table);
// GET of `key` (absent is fine).
Probe cache_probe(io::KvCache& cache, std::string key);
// An acknowledged produce of a small record to `topic` (which the service created).
Probe events_probe(io::EventLog& events, std::string topic, std::string key);

}  // namespace fl::api
