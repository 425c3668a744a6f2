// The harness runtime: what a scenario run needs from a mode, so that the SAME composition of
// workloads, nemeses and checkers runs in simulation (harness_sim.cc: sim::Simulator with the
// simulated PostgreSQL / Redis / Kafka) and in real mode (real/: the fiber runtime with PgStore /
// RedisCache / KafkaLog against throwaway servers).
//
// A run: the scenario builds a Topology (stores + the nodes of systems under test), asks the mode
// for a Runtime over it, and calls run(driver). The driver runs on a harness fiber; from there
// (and from fibers it spawns) it may use every accessor below. The harness itself is never a
// fault target.
//
// Systems under test beyond the raw stores register a SystemBuilder by name (register_system):
// it adds ServiceNodes to the Topology (their main runs at every start, so recovery code runs
// after a kill). Workloads that talk to such a system reach it through the client Env's
// Transport by node name. Built-in: "stores" (nothing beyond the stores).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nemeses/fault_port.h"
#include "system/io/env.h"

namespace fl::scenarios {

// The data stores of a run. Node names: "pg1" (primary), "pg2".. (replicas), "redis", "kafka".
struct StoreTopology {
  int pg_servers = 1;  // 0: no PostgreSQL; 1: a primary; n: primary + n-1 async replicas
  bool pg_synchronous_commit = true;
  bool pg_synchronous_replication = false;
  bool redis = false;
  std::string redis_persistence = "always";  // off | everysec | always
  bool kafka = false;
  // Deliberately broken modes of the simulated stores (simulation only; "" = correct):
  // pg_bug "serializable-without-validation" | "replica-reads-as-primary" (sim/pg/pg_cluster.h),
  // kafka_bug "commit-before-processing" (sim/kafka/sim_event_log.h).
  std::string pg_bug;
  std::string kafka_bug;
};

// A node of a system under test (e.g. the saga orchestrator). `main` runs at every start of the
// node with the node's Env (which carries the stores named here) and serves through Transport.
// Real mode runs the node as a child process instead: `faultline <process_args...>` plus the
// store addresses and its port (scenarios/harness_real.h); empty process_args: simulation only.
struct ServiceNode {
  std::string name;
  std::function<void(io::Env&)> main;
  bool sql = false, cache = false, events = false;
  std::vector<std::string> process_args;                  // e.g. {"serve", "inventory"}
  std::vector<std::pair<std::string, int>> kafka_topics;  // real mode creates them first
};

struct Topology {
  StoreTopology stores;
  std::vector<ServiceNode> services;
};

// Adds a system's nodes (and store needs) to `topology` from its options. Returns "" or an error
// naming the option and what was expected.
using SystemBuilder = std::function<std::string(const nlohmann::json& options, Topology* topology)>;

struct SystemInfo {
  std::string name;
  std::string description;
  SystemBuilder build;
};

void register_system(SystemInfo info);
const SystemInfo* find_system(const std::string& name);
std::vector<std::string> system_names();  // sorted

// Registers the systems and workloads beyond the built-in ones (harness_registry.cc calls each
// extension's hook, e.g. register_saga_extension()). Idempotent; the harness calls it before
// any registry lookup.
void register_extensions();

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

struct RuntimeOptions {
  std::uint64_t seed = 1;
  std::int64_t max_time_ns = 3600LL * 1000 * 1000 * 1000;  // simulation: virtual-time limit
};

// Simulation (harness_sim.cc). Returns nullptr and sets *error if the topology cannot be built.
std::unique_ptr<Runtime> make_sim_runtime(const RuntimeOptions& options, const Topology& topology,
                                          std::string* error);

// Real mode: make_real_runtime (scenarios/harness_real.{h,cc}) has this signature.
using RuntimeFactory = std::function<std::unique_ptr<Runtime>(
    const RuntimeOptions& options, const Topology& topology, std::string* error)>;
// The factory for `mode` ("sim", "real"), or nullptr if this build cannot run that mode.
RuntimeFactory runtime_factory(const std::string& mode);

}  // namespace fl::scenarios
