// SimFaultPort: the simulator's implementation of nemeses::FaultPort (see fault_port.h for the
// contract). Call it from a fiber of the harness node during Simulator::run().
//
// Fault model, per method:
//  - partition / block_one_way: blocked directed links of the SimNetwork (a blocked link drops
//    every message, so partitioned callers see timeouts, as over a real network). partition()
//    replaces every link block this port made;
//  - set_link_faults: a per-link LinkConfig override on both directions, built from the
//    default link: loss and duplication probabilities, delay added to both latency bounds and
//    jitter widening the upper bound. Messages between nodes (SimNetwork) are lost, duplicated
//    and delayed as such; connections to a simulated store (PostgreSQL, Redis, Kafka: a
//    ServiceLink) see the same override as TCP does (service_link.h): added delay, loss as
//    retransmission delay, duplicates discarded. Refused between two store nodes (see
//    add_store_node): stores talk to each other only by replication, which link faults do
//    not affect;
//  - kill: Simulator::crash (fibers unwind, volatile state is dropped, durable state stays);
//    restart: Simulator::restart (start-up and so recovery runs again);
//  - kill without lose_unsynced models kill -9 of a process: what the process had written to
//    the OS survives even if not fsynced (a node's durability hook, see add_durability, makes it
//    durable before the crash); kill with lose_unsynced models a power loss: the simulated store
//    keeps only what its own durability rules had synced (Redis AOF everysec: the last second
//    is lost; PostgreSQL with synchronous_commit off: commits after the last WAL flush). A node
//    without a durability hook refuses lose_unsynced: it has no such notion;
//  - pause / resume: the node's fibers stop being scheduled (SIGSTOP / SIGCONT);
//  - set_clock: the node's wall-clock offset and rate drift (sim_clock.h);
//  - heal_all: heals the network, restarts nodes this port killed, resumes nodes it paused, and
//    sets every clock it skewed back to offset 0, drift 0.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nemeses/fault_port.h"
#include "sim/kafka/sim_event_log.h"
#include "sim/pg/pg_cluster.h"
#include "sim/redis/sim_redis.h"
#include "sim/simulator.h"

namespace fl::sim {

class SimFaultPort final : public nemeses::FaultPort {
 public:
  static constexpr std::size_t kMaxGroups = 64;

  // `targets`: the node names faults may target, in order; empty: every node but the harness.
  // REQUIRES: each name is a node of `sim`, and not the harness.
  SimFaultPort(Simulator& sim, std::vector<std::string> targets = {});

  // Declares that `node` has unsynced writes a kill may lose. `keep_written` runs just before a
  // kill without lose_unsynced and makes durable what a process kill keeps (writes the process
  // had handed to the OS); it may do nothing when a process kill loses the same as a power loss.
  // `model` says in words what lose_unsynced loses (for the history).
  void add_durability(const std::string& node, std::function<void()> keep_written,
                      std::string model);

  std::vector<std::string> nodes() const override { return targets_; }
  std::string refuse(nemeses::FaultKind kind) const override;
  std::int64_t now_ns() const override { return sim_.now_ns(); }
  void sleep_until_ns(std::int64_t at_ns) override { sim_.sleep_until(at_ns); }

  std::string partition(const std::vector<std::vector<std::string>>& groups) override;
  std::string block_one_way(const std::string& from, const std::string& to) override;
  std::string set_link_faults(const std::string& a, const std::string& b,
                              const nemeses::LinkFaults& faults) override;
  std::string heal_network() override;
  std::string kill(const std::string& node, bool lose_unsynced) override;
  std::string restart(const std::string& node) override;
  std::string pause(const std::string& node) override;
  std::string resume(const std::string& node) override;
  std::string set_clock(const std::string& node, std::int64_t offset_ns,
                        std::int64_t drift_ppm) override;
  std::string heal_all() override;

  // Declares that `node` is a simulated store server (PostgreSQL, Redis, Kafka), which clients
  // reach over ServiceLinks.
  void add_store_node(const std::string& node);

  // What lose_unsynced loses on `node` ("" if it has no durability model).
  std::string durability_model(const std::string& node) const;

 private:
  struct Durability {
    std::function<void()> keep_written;
    std::string model;
  };
  // The node index of a target name, or -1 (and *error set).
  int target(const std::string& name, std::string* error) const;
  void unblock_all();
  void block(int from, int to);

  Simulator& sim_;
  std::vector<std::string> targets_;
  std::map<std::string, Durability> durability_;
  std::set<std::string> stores_;
  std::set<std::pair<int, int>> blocked_;  // directed links this port blocked
  std::set<int> killed_;
  std::set<int> paused_;
  std::set<int> skewed_;
};

// Declares a simulated store's server nodes to the port (add_store_node) with their durability
// model (PostgreSQL: WAL flush rules; Redis: AOF persistence; Kafka: none, its
// logs are durable at once, so lose_unsynced is refused for the broker).
void add_store_nodes(SimFaultPort& port, pg::PgCluster& cluster);
void add_store_nodes(SimFaultPort& port, redis::RedisServer& server);
void add_store_nodes(SimFaultPort& port, kafka::KafkaBroker& broker);

}  // namespace fl::sim
