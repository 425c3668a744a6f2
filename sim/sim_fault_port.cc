#include "sim/sim_fault_port.h"

#include "system/io/assert.h"

namespace fl::sim {

using nemeses::FaultKind;

SimFaultPort::SimFaultPort(Simulator& sim, std::vector<std::string> targets)
    : sim_(sim), targets_(std::move(targets)) {
  if (targets_.empty()) {
    for (int n = 0; n < sim_.node_count(); ++n) {
      if (n != Simulator::kHarnessNode) targets_.push_back(sim_.node_name(n));
    }
  }
  for (const auto& name : targets_) {
    const int node = sim_.find_node(name);
    FL_ASSERT_MSG(node >= 0, "fault target is not a simulated node: " << name);
    FL_ASSERT_MSG(node != Simulator::kHarnessNode, "the harness node cannot be a fault target");
  }
}

void SimFaultPort::add_durability(const std::string& node, std::function<void()> keep_written,
                                  std::string model) {
  FL_ASSERT_MSG(sim_.find_node(node) >= 0, "unknown node " << node);
  FL_ASSERT(!model.empty());
  durability_[node] = Durability{std::move(keep_written), std::move(model)};
}

void SimFaultPort::add_store_node(const std::string& node) {
  FL_ASSERT_MSG(sim_.find_node(node) >= 0, "unknown node " << node);
  stores_.insert(node);
}

std::string SimFaultPort::durability_model(const std::string& node) const {
  auto it = durability_.find(node);
  return it == durability_.end() ? "" : it->second.model;
}

std::string SimFaultPort::refuse(FaultKind kind) const {
  if (targets_.empty()) return "the topology has no node faults may target";
  switch (kind) {
    case FaultKind::kPartition:
    case FaultKind::kOneWay:
    case FaultKind::kKill:
    case FaultKind::kPause:
    case FaultKind::kClock:
      return "";
    case FaultKind::kLinkFaults:
      for (const auto& t : targets_) {
        if (stores_.count(t) == 0) return "";
      }
      return "every target is a simulated store, and stores talk to each other only by "
             "replication, which link faults do not affect";
    case FaultKind::kLoseUnsynced:
      for (const auto& t : targets_) {
        if (durability_.count(t) > 0) return "";
      }
      return "no target node models unsynced writes (no simulated store with a durability "
             "rule among the targets)";
  }
  return "unknown fault kind";
}

int SimFaultPort::target(const std::string& name, std::string* error) const {
  for (const auto& t : targets_) {
    if (t == name) return sim_.find_node(name);
  }
  *error = "not a fault target: '" + name + "'";
  return -1;
}

void SimFaultPort::block(int from, int to) {
  sim_.network().set_blocked(from, to, true);
  blocked_.insert({from, to});
}

void SimFaultPort::unblock_all() {
  for (const auto& [from, to] : blocked_) sim_.network().set_blocked(from, to, false);
  blocked_.clear();
}

std::string SimFaultPort::partition(const std::vector<std::vector<std::string>>& groups) {
  if (groups.size() > kMaxGroups) return "too many partition groups";
  std::vector<std::pair<int, std::size_t>> member;  // node, group
  std::string error;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const auto& name : groups[g]) {
      const int node = target(name, &error);
      if (node < 0) return error;
      for (const auto& [other, og] : member) {
        if (other == node) return "node '" + name + "' is in two partition groups";
      }
      member.push_back({node, g});
    }
  }
  unblock_all();
  for (const auto& [a, ga] : member) {
    for (const auto& [b, gb] : member) {
      if (ga != gb) block(a, b);
    }
  }
  sim_.trace().note(sim_.now_ns(), "fault partition " + std::to_string(groups.size()));
  return "";
}

std::string SimFaultPort::block_one_way(const std::string& from, const std::string& to) {
  std::string error;
  const int a = target(from, &error);
  const int b = a < 0 ? -1 : target(to, &error);
  if (b < 0) return error;
  if (a == b) return "a node cannot be cut off from itself";
  block(a, b);
  sim_.trace().note(sim_.now_ns(), "fault one-way " + from + "->" + to);
  return "";
}

std::string SimFaultPort::set_link_faults(const std::string& a, const std::string& b,
                                          const nemeses::LinkFaults& faults) {
  std::string error;
  const int na = target(a, &error);
  const int nb = na < 0 ? -1 : target(b, &error);
  if (nb < 0) return error;
  if (na == nb) return "a link needs two different nodes";
  if (stores_.count(a) > 0 && stores_.count(b) > 0) {
    return "link faults between '" + a + "' and '" + b + "': both are simulated stores, which " +
           "talk to each other only by replication (not affected by link faults)";
  }
  if (faults.loss < 0 || faults.loss > 1 || faults.duplicate < 0 || faults.duplicate > 1 ||
      faults.delay_ns < 0 || faults.jitter_ns < 0) {
    return "link faults out of range (probabilities in [0, 1], delays >= 0)";
  }
  LinkConfig config = sim_.network().default_link();
  config.loss = faults.loss;
  config.duplicate = faults.duplicate;
  config.latency_min_ns += faults.delay_ns;
  config.latency_max_ns += faults.delay_ns + faults.jitter_ns;
  sim_.network().set_link(na, nb, config);
  sim_.network().set_link(nb, na, config);
  sim_.trace().note(sim_.now_ns(), "fault link " + a + "<->" + b);
  return "";
}

std::string SimFaultPort::heal_network() {
  unblock_all();
  sim_.network().heal();
  sim_.trace().note(sim_.now_ns(), "fault heal network");
  return "";
}

std::string SimFaultPort::kill(const std::string& node, bool lose_unsynced) {
  std::string error;
  const int n = target(node, &error);
  if (n < 0) return error;
  auto durable = durability_.find(node);
  if (lose_unsynced && durable == durability_.end()) {
    return "node '" + node + "' has no unsynced writes to lose (no durability model)";
  }
  if (!sim_.is_up(n)) return "node '" + node + "' is already down";
  if (!lose_unsynced && durable != durability_.end() && durable->second.keep_written) {
    durable->second.keep_written();  // kill -9: the OS keeps what the process wrote
  }
  sim_.crash(n);
  killed_.insert(n);
  paused_.erase(n);
  return "";
}

std::string SimFaultPort::restart(const std::string& node) {
  std::string error;
  const int n = target(node, &error);
  if (n < 0) return error;
  if (sim_.is_up(n)) return "node '" + node + "' is not down";
  if (sim_.stopping()) return "the run is ending";
  sim_.restart(n);
  killed_.erase(n);
  return "";
}

std::string SimFaultPort::pause(const std::string& node) {
  std::string error;
  const int n = target(node, &error);
  if (n < 0) return error;
  if (!sim_.is_up(n)) return "node '" + node + "' is down";
  if (sim_.is_paused(n)) return "node '" + node + "' is already paused";
  sim_.pause(n);
  paused_.insert(n);
  return "";
}

std::string SimFaultPort::resume(const std::string& node) {
  std::string error;
  const int n = target(node, &error);
  if (n < 0) return error;
  if (!sim_.is_paused(n)) return "node '" + node + "' is not paused";
  sim_.resume(n);
  paused_.erase(n);
  return "";
}

std::string SimFaultPort::set_clock(const std::string& node, std::int64_t offset_ns,
                                    std::int64_t drift_ppm) {
  std::string error;
  const int n = target(node, &error);
  if (n < 0) return error;
  if (drift_ppm < -kMaxDriftPpm || drift_ppm > kMaxDriftPpm) {
    return "clock drift out of range: |" + std::to_string(drift_ppm) + "| > " +
           std::to_string(kMaxDriftPpm) + " ppm";
  }
  sim_.set_wall_offset(n, offset_ns);
  sim_.set_drift_ppm(n, drift_ppm);
  if (offset_ns == 0 && drift_ppm == 0) {
    skewed_.erase(n);
  } else {
    skewed_.insert(n);
  }
  return "";
}

std::string SimFaultPort::heal_all() {
  heal_network();
  for (int n : std::set<int>(paused_)) {
    if (sim_.is_paused(n)) sim_.resume(n);
  }
  paused_.clear();
  for (int n : std::set<int>(killed_)) {
    if (!sim_.is_up(n) && !sim_.stopping()) sim_.restart(n);
  }
  killed_.clear();
  for (int n : std::set<int>(skewed_)) {
    sim_.set_wall_offset(n, 0);
    sim_.set_drift_ppm(n, 0);
  }
  skewed_.clear();
  sim_.trace().note(sim_.now_ns(), "fault heal all");
  return "";
}

void add_store_nodes(SimFaultPort& port, pg::PgCluster& cluster) {
  const bool sync = cluster.options().synchronous_commit;
  for (int node = 0; node < cluster.sim()->node_count(); ++node) {
    if (!cluster.is_server(node)) continue;
    const std::string& name = cluster.sim()->node_name(node);
    port.add_store_node(name);
    // A kill -9 loses PostgreSQL's WAL buffers (shared memory) as a power loss does, so a
    // process kill keeps nothing more than what the WAL writer had flushed.
    port.add_durability(name, nullptr,
                        sync ? "nothing acknowledged (synchronous_commit on)"
                             : "commits after the last WAL flush (synchronous_commit off)");
  }
}

void add_store_nodes(SimFaultPort& port, redis::RedisServer& server) {
  const std::string& name = server.sim()->node_name(server.node());
  port.add_store_node(name);
  switch (server.options().persistence) {
    case redis::Persistence::kOff:
      return;  // nothing is ever synced, so there is nothing unsynced to lose on purpose
    case redis::Persistence::kEverySec:
      port.add_durability(
          name, [&server] { server.keep_written(); }, "AOF writes since the last fsync (~1 s)");
      return;
    case redis::Persistence::kAlways:
      port.add_durability(name, nullptr, "nothing acknowledged (appendfsync always)");
      return;
  }
}

void add_store_nodes(SimFaultPort& port, kafka::KafkaBroker& broker) {
  // The broker's logs are durable at once: no durability model, so lose_unsynced is refused.
  port.add_store_node(broker.sim()->node_name(broker.node()));
}

}  // namespace fl::sim
