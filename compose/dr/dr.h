// The disaster-recovery system (docs/dr.md): database nodes db1..dbN, each running the database
// node model and its failover manager (system/dr) over the coordination store, and the `dr-set`
// workload whose clients learn the primary and its timeline from the store and write through it.
#pragma once

#include <string>

#include "checkers/registry.h"
#include "history/history.h"

namespace fl::compose {

constexpr int kMaxDrNodes = 7;
inline std::string dr_node_name(int i) { return "db" + std::to_string(i); }

// What the DR check needs to know of the system's configuration.
struct DrCheckConfig {
  bool synchronous = true;
  std::int64_t maximum_lag_on_failover = 10;
  std::int64_t lease_window_ns = 0;  // ttl: what async mode may lose beyond the lag (Patroni)
  std::int64_t rto_target_ns = 0;
};

// RPO (synchronous: no acknowledged write lost; asynchronous: bounded), one primary (no write
// acknowledged on a timeline after a write on a newer timeline was acknowledged), RTO (from the
// last acknowledgement on a timeline to the first on the next, within the target).
checkers::CheckOutcome judge_dr(const history::History& history, const DrCheckConfig& config);

// PITR is a prefix (pitr_check.cc): every ok restore of the dr-pitr workload holds exactly the
// acknowledged writes at or before its target (lsn or commit time), and the final restore drill
// of the latest archive holds every acknowledged write and finds every base backup verified.
checkers::CheckOutcome judge_pitr(const history::History& history);

void register_dr_system();
void register_dr_workload();
inline void register_dr() {
  register_dr_system();
  register_dr_workload();
}

}  // namespace fl::compose
