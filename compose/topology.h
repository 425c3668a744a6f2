// What a system composition hands the harness: the data stores a run needs, the system's service
// nodes (each a start-up function on a node's Env, plus the process form real mode runs), and the
// checks only the system can make. The harness (harness/) runs a Topology in either mode without
// knowing which system it holds; a composition (compose/<system>/) registers a SystemInfo whose
// builder fills a Topology from the scenario's system_options.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "checkers/registry.h"
#include "compose/timeline.h"
#include "history/history.h"
#include "system/io/env.h"

namespace fl::compose {

// The data stores of a run. Node names: "pg1" (primary), "pg2".. (replicas), "redis", "kafka".
struct StoreTopology {
  int pg_servers = 1;  // 0: no PostgreSQL; 1: a primary; n: primary + n-1 async replicas
  bool pg_synchronous_commit = true;
  bool pg_synchronous_replication = false;
  bool redis = false;
  std::string redis_persistence = "always";  // off | everysec | always
  bool kafka = false;
  // Independent PostgreSQL servers for a sharded system: "shard1".."shardN" (each a primary of
  // its own, no replicas), reached through ShardSessions by nodes and clients. 0: none.
  int pg_shards = 0;
  bool coord = false;  // a coordination store (etcd; simulation only for now)
  // Deliberately broken modes of the simulated stores (simulation only; "" = correct):
  // pg_bug "serializable-without-validation" | "replica-reads-as-primary" (sim/pg/pg_cluster.h),
  // kafka_bug "commit-before-processing" (sim/kafka/sim_event_log.h).
  std::string pg_bug;
  std::string kafka_bug;
};

// One node incarnation's (or client's) sessions to the shard servers, shard1 first. The stores
// outlive the incarnation; a service copies the pointers when it starts.
struct ShardSessions {
  std::vector<io::SqlStore*> stores;
};

// A node of a system under test (e.g. the saga orchestrator). `main` runs at every start of the
// node with the node's Env (which carries the stores named here) and serves through Transport; a
// crash ends the incarnation and a restart runs `main` again (so recovery code runs). Real mode
// runs the node as a child process instead: `faultline <process_args...>` plus the store
// addresses, its port and its peers (harness/runtime/real_runtime.h); empty process_args: the
// node exists in simulation only (e.g. a known-bug switch production cannot take).
struct ServiceNode {
  std::string name;
  std::function<void(io::Env&)> main;
  bool sql = false, cache = false, events = false;
  // A local disk of its own (io::LocalStore, Env::local) that survives its crashes: simulation
  // only (a node with one has no process form), for nodes such as offline-first devices.
  bool local = false;
  // Nodes of a sharded system: before each start of the node the runtime puts the new
  // incarnation's sessions to the shard servers here (simulation only; see ShardSessions).
  std::shared_ptr<ShardSessions> shards;  // null: none
  bool coord = false;                     // a session on the coordination store (Env::coord)
  std::vector<std::string> process_args;  // e.g. {"serve", "inventory"}
  std::vector<std::pair<std::string, int>> kafka_topics;  // real mode creates them first
};

// A check only the system can make, judged after the run from the history and from what the
// system's nodes observed inside this process (simulation; in real mode the nodes are other
// processes, and `mode` says so). Same contract as a checker: never throws, unknown when it
// cannot decide.
struct SystemCheck {
  std::string name;
  std::function<checkers::CheckOutcome(const history::History& history, const std::string& mode)>
      judge;
};

// What clients' Env::sql becomes when a system sits between them and the stores (a shard router
// the clients link, as Vitess' vtgate or a smart driver): called once per client slot with the
// client's Env (sql: its session to the primary "pg1") and its sessions to the shard servers;
// the returned store replaces env.sql for the workload, which thus runs unchanged through it.
using ClientSqlFactory = std::function<std::shared_ptr<io::SqlStore>(
    io::Env& client_env, const std::vector<io::SqlStore*>& shards)>;

struct Topology {
  StoreTopology stores;
  std::vector<ServiceNode> services;
  std::vector<SystemCheck> checks;
  // The system's lanes in the run report (compose/timeline.h), recorded in simulation.
  std::vector<std::shared_ptr<TimelineLog>> timelines;
  ClientSqlFactory client_sql;  // empty: clients use the primary directly
};

constexpr std::size_t kMaxServiceNodes = 64;
constexpr std::size_t kMaxSystemChecks = 16;

// Adds a system's nodes, store needs and checks to `topology` from its options (a JSON object,
// null for none). Returns "" or an error naming the option and what was expected.
using SystemBuilder = std::function<std::string(const nlohmann::json& options, Topology* topology)>;

struct SystemInfo {
  std::string name;
  std::string description;
  SystemBuilder build;
};

// The systems the harness can run, by name ("stores" is built in: the data stores alone).
// register_system() is called by compositions from compose/registry.cc; lookups register every
// composition first (idempotent).
void register_system(SystemInfo info);
const SystemInfo* find_system(const std::string& name);
std::vector<std::string> system_names();  // sorted

}  // namespace fl::compose
