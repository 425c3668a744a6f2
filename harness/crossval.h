// Cross-validation of the list-append workload + Elle against published results for PostgreSQL
// (Adya's phenomena as PostgreSQL documents them per level; Jepsen's PostgreSQL 12.3 analysis,
// whose G2-item at serializable was fixed in 12.4): the same scenario runs on real PostgreSQL 15
// (make_real_runtime) and on the simulated PostgreSQL model (make_sim_runtime) at each isolation
// level, without faults, and the anomaly classes Elle finds are compared with what the level
// allows:
//  - serializable:    nothing at all;
//  - repeatable read: snapshot isolation: G2-item (write skew) must show, and nothing that rules
//                     out snapshot isolation (no G0, G1a/b/c, G-single, lost update);
//  - read committed:  something snapshot isolation forbids must show (G-single or lost update)
//                     and nothing Adya's PL-2 proscribes (no G0, G1a, G1b, G1c, duplicates).
//                     Fuzzy reads and lost updates are allowed: with the workload's
//                     read-then-write append they show as Elle's "internal" and
//                     "incompatible-order", which Elle counts against read committed; they are
//                     reported, not held against the level.
// Contention is on few keys with many clients; a failed transaction (serialization failure) is
// recorded as fail and not retried, as in Jepsen.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fl::harness {

struct CrossvalOptions {
  std::uint64_t seed = 1;
  int duration_s = 5;
  int concurrency = 10;
  int keys = 3;
  int rate = 400;  // attempted transactions per second, all clients together
};

struct CrossvalRun {
  std::string isolation;  // read-committed | repeatable-read | serializable
  std::string mode;       // sim | real
  std::uint64_t seed = 0;
  std::int64_t ok = 0, fail = 0, info = 0;
  std::vector<std::string> anomalies;                        // classes Elle found, sorted
  nlohmann::json anomaly_counts = nlohmann::json::object();  // class -> how many
  std::vector<std::string> not_models;                       // models they rule out
  std::vector<std::string> mismatches;  // how the run disagrees with the published expectation
  std::string error;                    // the run could not happen
  nlohmann::json to_json() const;
};

// The isolation levels, weakest first.
const std::vector<std::string>& crossval_levels();
// The scenario text for one level (TOML, the list-append workload, no nemeses).
std::string crossval_toml(const CrossvalOptions& options, const std::string& isolation);
// Runs one level in one mode and judges it against the expectation above.
CrossvalRun run_crossval(const CrossvalOptions& options, const std::string& isolation,
                         const std::string& mode);
// Fills run.mismatches from its anomalies and not_models.
void judge_crossval(CrossvalRun* run);

}  // namespace fl::harness
