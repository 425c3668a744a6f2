#include "real/fault/real_fault_port.h"

#include <algorithm>

#include "real/fault/process_control.h"
#include "system/io/assert.h"

namespace fl::real::fault {
namespace {

std::string replace_port(std::string command, std::uint16_t port) {
  const auto at = command.find("{port}");
  FL_ASSERT_MSG(at != std::string::npos, "retarget command without {port}: " << command);
  return command.replace(at, 6, std::to_string(port));
}

void append_error(std::string* all, const std::string& error) {
  if (error.empty()) return;
  if (!all->empty()) *all += "; ";
  *all += error;
}

}  // namespace

std::unique_ptr<RealFaultPort> RealFaultPort::create(io::Clock& clock,
                                                     std::vector<ServerNode> nodes,
                                                     std::vector<ReplicationLink> links,
                                                     std::uint64_t seed, std::string* error) {
  FL_ASSERT(error != nullptr);
  if (nodes.size() > kMaxNodes) {
    *error = "real fault port: at most " + std::to_string(kMaxNodes) + " nodes";
    return nullptr;
  }
  std::unique_ptr<RealFaultPort> port(new RealFaultPort(clock));
  std::uint64_t stream = 0;
  for (auto& spec : nodes) {
    if (spec.name.empty() || spec.name == kHarness || port->nodes_.count(spec.name)) {
      *error = "real fault port: bad or duplicate node name '" + spec.name + "'";
      return nullptr;
    }
    ProxyOptions o;
    o.name = "proxy harness<->" + spec.name;
    o.target_port = spec.port;
    o.seed = seed + ++stream;
    auto proxy = TcpProxy::start(o, error);
    if (proxy == nullptr) return nullptr;
    const std::string name = spec.name;
    port->nodes_.emplace(name, Node{std::move(spec), std::move(proxy)});
  }
  for (auto& spec : links) {
    const Node* up = port->find(spec.upstream);
    if (up == nullptr || port->find(spec.downstream) == nullptr) {
      *error = "real fault port: replication link " + spec.downstream + "->" + spec.upstream +
               " names an unknown node";
      return nullptr;
    }
    ProxyOptions o;
    o.name = "proxy " + spec.downstream + "<->" + spec.upstream;
    o.target_port = up->spec.port;
    o.seed = seed + ++stream;
    auto proxy = TcpProxy::start(o, error);
    if (proxy == nullptr) return nullptr;
    *error = run_command(replace_port(spec.retarget_command, proxy->port()));
    if (!error->empty()) return nullptr;
    port->links_.push_back(Link{std::move(spec), std::move(proxy)});
  }
  return port;
}

RealFaultPort::~RealFaultPort() {
  // Never leave a server frozen behind us (stopping it would hang).
  for (const auto& [name, pids] : paused_) (void)resume_pids(pids);
}

const RealFaultPort::Node* RealFaultPort::find(const std::string& name) const {
  const auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

std::uint16_t RealFaultPort::client_port(const std::string& node) const {
  const Node* n = find(node);
  FL_ASSERT_MSG(n != nullptr, "unknown node " << node);
  return n->proxy->port();
}

TcpProxy& RealFaultPort::client_proxy(const std::string& node) {
  const Node* n = find(node);
  FL_ASSERT_MSG(n != nullptr, "unknown node " << node);
  return *n->proxy;
}

std::vector<std::string> RealFaultPort::nodes() const {
  std::set<std::string> all;
  for (const auto& [name, node] : nodes_) all.insert(name);
  for (const auto& [name, node] : controlled_) all.insert(name);
  for (const auto& [name, node] : processes_) all.insert(name);
  return std::vector<std::string>(all.begin(), all.end());  // stable, sorted
}

std::string RealFaultPort::add_controlled_node(ControlledNode node) {
  if (node.name.empty() || node.name == kHarness || known(node.name) || !node.set_down ||
      !node.set_delay_ns) {
    return "real fault port: bad or duplicate controlled node '" + node.name + "'";
  }
  const std::string name = node.name;
  controlled_.emplace(name, std::move(node));
  return "";
}

std::string RealFaultPort::add_process_node(ProcessNode node) {
  if (node.name.empty() || node.name == kHarness || known(node.name) || !node.kill ||
      !node.restart || !node.pause || !node.resume || node.network_refusal.empty()) {
    return "real fault port: bad or duplicate process node '" + node.name + "'";
  }
  if (nodes_.size() + controlled_.size() + processes_.size() >= kMaxNodes) {
    return "real fault port: at most " + std::to_string(kMaxNodes) + " nodes";
  }
  const std::string name = node.name;
  processes_.emplace(name, std::move(node));
  return "";
}

std::string RealFaultPort::process_network_refusal(const std::vector<std::string>& names) const {
  for (const auto& name : names) {
    const auto it = processes_.find(name);
    if (it != processes_.end()) return it->second.network_refusal;
  }
  return "";
}

std::string RealFaultPort::controlled_fault(const std::string& op, const std::string& node,
                                            bool down) {
  const std::string error = controlled_.at(node).set_down(down);
  return error.empty() ? "" : op + " " + node + ": " + error;
}

std::string RealFaultPort::refuse(nemeses::FaultKind kind) const {
  using nemeses::FaultKind;
  switch (kind) {
    case FaultKind::kPartition:
    case FaultKind::kOneWay:
    case FaultKind::kLinkFaults:
    case FaultKind::kKill:
    case FaultKind::kPause:
      return "";
    case FaultKind::kLoseUnsynced: {
      std::string reasons;
      for (const auto& [name, node] : nodes_) {
        if (node.spec.unsynced_refusal.empty()) return "";
        append_error(&reasons, name + ": " + node.spec.unsynced_refusal);
      }
      return "real mode cannot lose unsynced writes on any node: " + reasons;
    }
    case FaultKind::kClock:
      return "real mode cannot skew a real server's clock (that takes faketime or a VM; the "
             "servers here run on the host clock)";
  }
  return "unknown fault kind";
}

void RealFaultPort::sleep_until_ns(std::int64_t at_ns) {
  const std::int64_t wait = at_ns - clock_.monotonic_ns();
  if (wait > 0) clock_.sleep_ns(wait);
}

std::string RealFaultPort::stall(TcpProxy& proxy, Direction direction) {
  DirectionFaults f = proxy.faults(direction);
  f.flow = Flow::kStall;
  return proxy.set_faults(direction, f);
}

std::string RealFaultPort::partition(const std::vector<std::vector<std::string>>& groups) {
  std::map<std::string, std::size_t> group_of;
  std::size_t harness_group = 0;
  for (const auto& group : groups) {
    if (std::string r = process_network_refusal(group); !r.empty()) return "partition: " + r;
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const auto& name : groups[g]) {
      if (!known(name)) return "partition: unknown node '" + name + "'";
      if (!group_of.emplace(name, g).second) return "partition: '" + name + "' in two groups";
    }
    if (groups[g].size() > groups[harness_group].size()) harness_group = g;
  }
  std::string error = heal_network();  // a partition replaces the earlier one
  for (const auto& [name, g] : group_of) {
    if (g == harness_group) continue;
    if (controlled_.count(name)) {
      append_error(&error, controlled_fault("partition", name, true));
      partitioned_.insert(name);
      continue;
    }
    TcpProxy& proxy = *nodes_.at(name).proxy;
    append_error(&error, stall(proxy, Direction::kToServer));
    append_error(&error, stall(proxy, Direction::kToClient));
  }
  for (auto& link : links_) {
    const auto up = group_of.find(link.spec.upstream);
    const auto down = group_of.find(link.spec.downstream);
    if (up == group_of.end() || down == group_of.end() || up->second == down->second) continue;
    append_error(&error, stall(*link.proxy, Direction::kToServer));
    append_error(&error, stall(*link.proxy, Direction::kToClient));
  }
  return error;
}

TcpProxy* RealFaultPort::link_proxy(const std::string& a, const std::string& b, bool* a_is_client) {
  if (a == kHarness || b == kHarness) {
    const std::string& node = a == kHarness ? b : a;
    auto it = nodes_.find(node);
    if (it == nodes_.end()) return nullptr;
    *a_is_client = a == kHarness;
    return it->second.proxy.get();
  }
  for (auto& link : links_) {
    if (link.spec.downstream == a && link.spec.upstream == b) {
      *a_is_client = true;
      return link.proxy.get();
    }
    if (link.spec.downstream == b && link.spec.upstream == a) {
      *a_is_client = false;
      return link.proxy.get();
    }
  }
  return nullptr;
}

std::string RealFaultPort::block_one_way(const std::string& from, const std::string& to) {
  if (std::string r = process_network_refusal({from, to}); !r.empty()) {
    return "block_one_way: " + r;
  }
  if (controlled_.count(from) || controlled_.count(to)) {
    return "block_one_way: the kafka mock can only be cut off both ways (use a partition)";
  }
  bool from_is_client = false;
  TcpProxy* proxy = link_proxy(from, to, &from_is_client);
  if (proxy == nullptr) {
    // Two servers that never talk (Redis and PostgreSQL): no message flows, so the block is in
    // force as it is, as partition() treats them.
    if (known(from) && known(to) && from != to) return "";
    return "block_one_way: unknown node or link '" + from + "'->'" + to + "'";
  }
  return stall(*proxy, from_is_client ? Direction::kToServer : Direction::kToClient);
}

std::string RealFaultPort::set_link_faults(const std::string& a, const std::string& b,
                                           const nemeses::LinkFaults& faults) {
  if (faults.loss > 0 || faults.duplicate > 0) {
    return "set_link_faults: real mode cannot lose or duplicate bytes inside a TCP stream "
           "(TCP turns loss into delay); use delay/jitter, or a partition";
  }
  if (std::string r = process_network_refusal({a, b}); !r.empty()) {
    return "set_link_faults: " + r;
  }
  const std::string& other = a == kHarness ? b : a;
  if ((a == kHarness || b == kHarness) && controlled_.count(other)) {
    return controlled_.at(other).set_delay_ns(faults.delay_ns + faults.jitter_ns / 2);
  }
  bool a_is_client = false;
  TcpProxy* proxy = link_proxy(a, b, &a_is_client);
  if (proxy == nullptr) {
    if (known(a) && known(b) && a != b) return "";  // no traffic between them: nothing to slow
    return "set_link_faults: unknown node or link '" + a + "'<->'" + b + "'";
  }
  std::string error;
  for (Direction d : {Direction::kToServer, Direction::kToClient}) {
    DirectionFaults f = proxy->faults(d);
    f.delay_ns = faults.delay_ns;
    f.jitter_ns = faults.jitter_ns;
    append_error(&error, proxy->set_faults(d, f));
  }
  return error;
}

std::string RealFaultPort::heal_network() {
  std::string error;
  for (auto& [name, node] : nodes_) append_error(&error, node.proxy->heal());
  for (auto& link : links_) append_error(&error, link.proxy->heal());
  for (auto& [name, node] : controlled_) append_error(&error, node.set_delay_ns(0));
  for (const auto& name : partitioned_) {
    if (!killed_.count(name)) append_error(&error, controlled_fault("heal", name, false));
  }
  partitioned_.clear();
  return error;
}

std::string RealFaultPort::kill(const std::string& node, bool lose_unsynced) {
  if (const auto p = processes_.find(node); p != processes_.end()) {
    if (killed_.count(node)) return "kill: " + node + " is already killed";
    if (lose_unsynced) {
      return "kill " + node +
             ": a service process keeps nothing unsynced of its own (its state "
             "is in its stores); kill the stores with lose_unsynced instead";
    }
    const std::string error = p->second.kill();
    if (!error.empty()) return "kill " + node + ": " + error;
    paused_processes_.erase(node);
    killed_.insert(node);
    return "";
  }
  if (controlled_.count(node)) {
    if (killed_.count(node)) return "kill: " + node + " is already killed";
    if (lose_unsynced)
      return "kill " + node + ": the mock keeps its log in memory; nothing to lose";
    const std::string error = controlled_fault("kill", node, true);
    if (error.empty()) killed_.insert(node);
    return error;
  }
  const Node* n = find(node);
  if (n == nullptr) return "kill: unknown node '" + node + "'";
  if (killed_.count(node)) return "kill: " + node + " is already killed";
  if (lose_unsynced && !n->spec.unsynced_refusal.empty()) {
    return "kill " + node + " losing unsynced writes: " + n->spec.unsynced_refusal;
  }
  std::string error;
  const pid_t pid = read_pid_file(n->spec.pid_file, &error);
  if (pid < 0) return "kill " + node + ": " + error;
  error = kill_tree(pid);
  if (!error.empty()) return "kill " + node + ": " + error;
  paused_.erase(node);
  killed_.insert(node);
  if (!n->spec.after_kill_command.empty()) error = run_command(n->spec.after_kill_command);
  return error.empty() ? "" : "kill " + node + ": " + error;
}

std::string RealFaultPort::restart(const std::string& node) {
  if (const auto p = processes_.find(node); p != processes_.end()) {
    if (!killed_.count(node)) return "restart: " + node + " is not killed";
    const std::string error = p->second.restart();
    if (!error.empty()) return "restart " + node + ": " + error;
    killed_.erase(node);
    return "";
  }
  if (controlled_.count(node)) {
    if (!killed_.count(node)) return "restart: " + node + " is not killed";
    killed_.erase(node);
    return partitioned_.count(node) ? "" : controlled_fault("restart", node, false);
  }
  const Node* n = find(node);
  if (n == nullptr) return "restart: unknown node '" + node + "'";
  if (!killed_.count(node)) return "restart: " + node + " is not killed";
  const std::string error = run_command(n->spec.restart_command);
  if (!error.empty()) return "restart " + node + ": " + error;
  killed_.erase(node);
  return "";
}

std::string RealFaultPort::pause(const std::string& node) {
  if (const auto p = processes_.find(node); p != processes_.end()) {
    if (killed_.count(node) || paused_processes_.count(node)) {
      return "pause: " + node + " is not running";
    }
    const std::string error = p->second.pause();
    if (!error.empty()) return "pause " + node + ": " + error;
    paused_processes_.insert(node);
    return "";
  }
  if (controlled_.count(node)) return "pause " + node + ": " + controlled_.at(node).pause_refusal;
  const Node* n = find(node);
  if (n == nullptr) return "pause: unknown node '" + node + "'";
  if (killed_.count(node) || paused_.count(node)) return "pause: " + node + " is not running";
  std::string error;
  const pid_t pid = read_pid_file(n->spec.pid_file, &error);
  if (pid < 0) return "pause " + node + ": " + error;
  std::vector<pid_t> stopped;
  error = pause_tree(pid, &stopped);
  if (!stopped.empty()) paused_[node] = std::move(stopped);
  return error.empty() ? "" : "pause " + node + ": " + error;
}

std::string RealFaultPort::resume(const std::string& node) {
  if (const auto p = processes_.find(node); p != processes_.end()) {
    if (!paused_processes_.count(node)) return "resume: " + node + " is not paused";
    paused_processes_.erase(node);
    const std::string error = p->second.resume();
    return error.empty() ? "" : "resume " + node + ": " + error;
  }
  const auto it = paused_.find(node);
  if (it == paused_.end()) return "resume: " + node + " is not paused";
  const std::string error = resume_pids(it->second);
  paused_.erase(it);
  return error.empty() ? "" : "resume " + node + ": " + error;
}

std::string RealFaultPort::set_clock(const std::string& node, std::int64_t, std::int64_t) {
  return "set_clock " + node + ": " + refuse(nemeses::FaultKind::kClock);
}

std::string RealFaultPort::heal_all() {
  std::string error = heal_network();
  std::vector<std::string> paused;
  for (const auto& [name, pids] : paused_) paused.push_back(name);
  for (const auto& name : paused) append_error(&error, resume(name));
  const std::set<std::string> thawed = paused_processes_;
  for (const auto& name : thawed) append_error(&error, resume(name));
  // Stores first (sorted: pg before redis), then the services that need them.
  const std::vector<std::string> killed(killed_.begin(), killed_.end());
  for (const auto& name : killed) {
    if (!processes_.count(name)) append_error(&error, restart(name));
  }
  for (const auto& name : killed) {
    if (processes_.count(name)) append_error(&error, restart(name));
  }
  return error;
}

}  // namespace fl::real::fault
