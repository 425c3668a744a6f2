// The harness runtime: what a scenario run needs from a mode, so that the SAME composition of
// workloads, nemeses and checkers runs in simulation (runtime/sim_runtime.cc: sim::Simulator with
// the simulated PostgreSQL / Redis / Kafka) and in real mode (real/: the fiber runtime with PgStore
// / RedisCache / KafkaLog against throwaway servers).
//
// A run: the scenario builds a Topology (stores + the nodes of systems under test), asks the mode
// for a Runtime over it, and calls run(driver). The driver runs on a harness fiber; from there
// (and from fibers it spawns) it may use every accessor below. The harness itself is never a
// fault target.
//
// Systems under test beyond the raw stores come from their compositions (compose/topology.h):
// a system's builder adds ServiceNodes to the Topology (their main runs at every start, so
// recovery code runs after a kill). Workloads that talk to such a system reach it through the
// client Env's Transport by node name. The harness never names a system itself.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compose/topology.h"
#include "nemeses/fault_port.h"
#include "system/io/env.h"

namespace fl::harness {

using compose::ServiceNode;
using compose::StoreTopology;
using compose::Topology;

struct RuntimeReport {
  std::string trace_hash;  // 16 hex digits in simulation; "" in real mode
  std::uint64_t events = 0;
  std::int64_t elapsed_ns = 0;        // virtual (sim) or real time the run took
  std::vector<std::string> problems;  // harness-level failures (limits hit, escaped exceptions)
  bool limit_hit = false;
  std::vector<std::string> trace_lines;
  nlohmann::json stats = nlohmann::json::object();  // network and store counters
};

class Runtime {
 public:
  Runtime() = default;
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  virtual ~Runtime() = default;

  virtual std::string mode() const = 0;  // "sim" | "real"
  // The fault port over this run's nodes (every node of the topology, never the harness).
  virtual nemeses::FaultPort& faults() = 0;
  // The topology's node names (stores and services), in a stable order.
  virtual std::vector<std::string> node_names() const = 0;
  // Time since the run started as the harness sees it (virtual in simulation).
  virtual std::int64_t now_ns() = 0;
  virtual void sleep_until_ns(std::int64_t at_ns) = 0;
  // The harness' seeded stream (nemeses, swarm draws). Deterministic in simulation.
  virtual io::Random& random() = 0;
  // The Env of client process slot `client` (0..kMaxClients-1): its own Random stream and its own
  // store sessions (sql/cache/events set when the topology has them), the harness' clock, tasks
  // and transport. Stable for the run; valid only inside run().
  virtual io::Env& client_env(int client) = 0;
  // Starts `body` on a new harness fiber. Valid only inside run().
  virtual void spawn(std::string name, std::function<void()> body) = 0;
  // Starts every node, runs `driver` on a harness fiber to completion, stops every node.
  // May be called once.
  virtual RuntimeReport run(std::function<void(Runtime&)> driver) = 0;

  static constexpr int kMaxClients = 1024;
};

// Called after each durable step of a service node (harness/durable_probes.h: a COMMIT that
// returned ok or indeterminate, a produce that returned, a cache write that returned), on that
// node's fiber: (node, kind). Returning true crashes the node right there, before it can act on
// the result; the runtime restarts it `restart_after_ns` later.
using DurableStepHook = std::function<bool(const std::string& node, const char* kind)>;

struct RuntimeOptions {
  std::uint64_t seed = 1;
  std::int64_t max_time_ns = 3600LL * 1000 * 1000 * 1000;  // simulation: virtual-time limit
  // Simulation only (real mode refuses it): probes on every service node's stores.
  DurableStepHook durable_step_hook;
  std::int64_t restart_after_ns = 1500LL * 1000 * 1000;
};

// Simulation (runtime/sim_runtime.cc). Returns nullptr and sets *error if the topology cannot be
// built.
std::unique_ptr<Runtime> make_sim_runtime(const RuntimeOptions& options, const Topology& topology,
                                          std::string* error);

// Real mode: make_real_runtime (runtime/real_runtime.h) has this signature.
using RuntimeFactory = std::function<std::unique_ptr<Runtime>(
    const RuntimeOptions& options, const Topology& topology, std::string* error)>;
// The factory for `mode` ("sim", "real"), or nullptr if this build cannot run that mode.
RuntimeFactory runtime_factory(const std::string& mode);

}  // namespace fl::harness
