// Scenario files (TOML): a declarative composition of topology, workloads, nemeses, checkers,
// phases and limits, run by `faultline run <name-or-file.toml>`.
//
//   name = "register-sql"                 # default: the file's stem
//   description = "..."
//   modes = ["sim"]                       # sim and/or real
//   duration_s = 60                       # chaos phase (virtual seconds in simulation)
//   heal_s = 10                           # heal phase: faults stop, the workload goes on and must
//                                         # complete operations (liveness), then final reads
//   [topology]  pg_servers = 1, pg_synchronous_commit = true, pg_synchronous_replication = false,
//               redis = false, redis_persistence = "always", kafka = false, coord = false,
//               system = "stores", system_options = { ... }
//   [[workload]] name = "register", then the workload's options (workloads/workload.h)
//   [[nemesis]]  name = "partition-halves", then the nemesis' options (nemeses/nemesis.h)
//   [[checker]]  name = "...", options = { ... }   # beyond the workloads' own checkers
//   [swarm]      enabled = false                  # the seed draws which nemeses run
//   [limits]     max_virtual_s, final_attempts, max_history_ops
//   [crash_points] nodes = [...], restart_after_ms = 1500, max_per_node = 2000
//                                         # enumerate crashes at every durable step (see below)
//
// Every problem (missing file, TOML syntax, unknown key, wrong type, impossible value, a
// workload or nemesis option) is reported as "<file>: <key>: expected ..., got ..." or, for
// syntax, "<file>:<line>:<column>: ...". Loading never throws and never crashes.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/runtime.h"

namespace fl::harness {

struct NamedOptions {
  std::string name;
  nlohmann::json options = nlohmann::json::object();
};

struct ScenarioLimits {
  std::int64_t max_virtual_ns = 3600LL * 1000 * 1000 * 1000;
  int final_attempts = 20;  // per final op, 250 ms apart
  std::int64_t max_history_ops = 2'000'000;
};

// [crash_points]: instead of the nemeses, enumerate crashes. A fault-free run counts each service
// node's durable steps (harness/durable_probes.h); then, for every node and every step b in turn,
// the same seed runs again with the node crashed right after its b-th durable step and restarted
// restart_after later, and each run must pass (crash_points.h).
constexpr int kMaxCrashPointsPerNode = 2000;
struct CrashPointsSpec {
  bool enabled = false;
  std::vector<std::string> nodes;  // empty: every service node with a durable step
  std::int64_t restart_after_ns = 1500LL * 1000 * 1000;
  int max_per_node = kMaxCrashPointsPerNode;
};

struct ScenarioSpec {
  std::string name;
  std::string file;  // the path it was loaded from
  std::string description;
  std::vector<std::string> modes = {"sim"};
  std::int64_t duration_ns = 0;
  std::int64_t heal_ns = 0;
  StoreTopology stores;
  std::string system = "stores";
  nlohmann::json system_options = nlohmann::json::object();
  std::vector<NamedOptions> workloads;
  std::vector<NamedOptions> nemeses;
  std::vector<NamedOptions> checkers;
  bool swarm = false;
  ScenarioLimits limits;
  CrashPointsSpec crash_points;
};

constexpr std::size_t kMaxScenarioBytes = 1 << 20;
constexpr std::size_t kMaxWorkloads = 16;
constexpr std::size_t kMaxNemeses = 32;
constexpr std::size_t kMaxSetOverrides = 64;

// Parses TOML text (no file access). `file` names it in messages. Returns "" or the error.
std::string parse_scenario_toml(const std::string& text, const std::string& file,
                                const std::vector<std::string>& overrides, ScenarioSpec* out);
// Reads and parses a file.
std::string load_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                               ScenarioSpec* out);
// Checks what parsing alone cannot: workload and nemesis names and options (by building them),
// stores the workloads need, the system's builder. Returns "" or "<file>: <key>: ...".
std::string validate_scenario(const ScenarioSpec& spec);

// Applies one "dotted.path=value" override to a scenario document (JSON from TOML). Array
// elements are addressed by index ("workload.0.concurrency" or "workload[0].concurrency"); the
// value is read as a TOML value (42, 1.5, true, "text", [1, 2]), or as a bare string otherwise.
std::string apply_override(const std::string& assignment, nlohmann::json* document);

// The directory holding the shipped scenario files: $FAULTLINE_SCENARIOS, else scenarios/ of the
// source tree this executable was built from, else the installed <prefix>/share/faultline/
// scenarios beside <prefix>/bin, else scenarios/ of the compiled-in source path.
std::string scenario_dir();
// Resolves "register-sql" or "path/to/x.toml" to a file path; "" if none exists.
std::string find_scenario_file(const std::string& name_or_path);
// The names (file stems) of the shipped scenario files, sorted.
std::vector<std::string> scenario_file_names();

}  // namespace fl::harness
