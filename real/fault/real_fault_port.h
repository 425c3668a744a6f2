// RealFaultPort: nemeses::FaultPort for real mode. Nodes are server processes on loopback (a
// PostgreSQL primary "pg", its streaming replica "pg-replica", a Redis "redis").
//
// Network faults go through our TcpProxy (tcp_proxy.h): clients (the harness) reach every node
// through that node's client proxy, and a replica streams from its primary through a replication
// proxy. So the links are harness<->node and replica<->primary; there is no other traffic between
// these servers. Semantics:
//  - partition(groups): the harness stands with the largest group (the first on a tie); the
//    client links of nodes in every other group stall both ways (bytes held, delivered on heal:
//    a partition under TCP retransmission), and a replication link whose ends are in different
//    groups stalls both ways. Nodes named in no group keep every link.
//  - block_one_way(from, to): stalls one direction of the replication link, or of a client link
//    when one end is kHarness ("harness", which is not a node: nemeses never pass it).
//  - between two servers that exchange no traffic (Redis and PostgreSQL) a one-way block or a
//    link fault is accepted and changes nothing: no message flows there to drop or delay.
//  - set_link_faults: delay and jitter, both directions. Loss and duplication are refused: a TCP
//    proxy cannot lose or duplicate bytes without corrupting the stream (TCP itself turns loss
//    into delay).
// Process faults: kill -9 of the server's process tree and restart through its start script;
// SIGSTOP / SIGCONT of the tree. lose_unsynced is allowed only where a kill -9 really loses
// acknowledged writes (Redis with appendonly no, which never saves here); elsewhere it is refused
// with the reason. A plain kill is always a kill -9, whatever that loses (a Redis with appendonly
// no loses everything, as in simulation). Clocks: refused (a real server's clock cannot be
// skewed without faketime).
// Process nodes (add_process_node: the services of a system under test run as child processes of
// the harness, service_process.h): kill, restart, pause and resume go to their hooks; heal_all
// restarts killed stores before killed processes (a service starts only once its stores serve).
// A partition, one-way block or link fault naming a process node is refused with its reason.
//
// Threading: call from one thread (the harness' fiber thread). sleep_until_ns parks the fiber
// through the io::Clock given. Restarts block the calling thread for the script's duration
// (~0.15 s for PostgreSQL).
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "nemeses/fault_port.h"
#include "real/fault/tcp_proxy.h"
#include "system/io/clock.h"

namespace fl::real::fault {

constexpr const char* kHarness = "harness";

struct ServerNode {
  std::string name;             // "pg"
  std::uint16_t port = 0;       // where the server listens
  std::string pid_file;         // the server's root process
  std::string restart_command;  // shell; restarts the killed server and waits until it serves
  // Why kill(node, lose_unsynced=true) cannot be injected; "" when a kill -9 really loses
  // acknowledged writes that were not synced.
  std::string unsynced_refusal;
  std::string after_kill_command;  // shell, "" for none (e.g. remove a stale lock file)
};

// `downstream` streams from `upstream`; `retarget_command` contains "{port}" and makes the
// downstream stream from 127.0.0.1:{port}.
struct ReplicationLink {
  std::string upstream;
  std::string downstream;
  std::string retarget_command;
};

// A node controlled through hooks instead of signals and a proxy (the in-process Kafka mock,
// kafka_mock_node.h): down = every connection dropped and new ones refused (kill, and a partition
// from the harness); delay = added round-trip latency (a link fault's delay + jitter / 2: the
// hook has no jitter).
struct ControlledNode {
  std::string name;
  std::function<std::string(bool down)> set_down;
  std::function<std::string(std::int64_t delay_ns)> set_delay_ns;
  std::string pause_refusal;  // why it cannot be paused
};

// A node that is a child process of the harness (a service, service_process.h): kill (SIGKILL),
// restart (start again and wait until it serves), pause (SIGSTOP) and resume through hooks.
// Network faults naming it are refused with `network_refusal`.
struct ProcessNode {
  std::string name;
  std::function<std::string()> kill, restart, pause, resume;
  std::string network_refusal;
};

class RealFaultPort final : public nemeses::FaultPort {
 public:
  static constexpr std::size_t kMaxNodes = 16;

  // Starts a client proxy per node and a proxy per replication link (and retargets the
  // downstream through it). Null with *error on failure.
  static std::unique_ptr<RealFaultPort> create(io::Clock& clock, std::vector<ServerNode> nodes,
                                               std::vector<ReplicationLink> links,
                                               std::uint64_t seed, std::string* error);
  ~RealFaultPort() override;

  // Adds a hook-controlled node. Returns "" or why not (a duplicate name).
  std::string add_controlled_node(ControlledNode node);
  // Adds a process node. Returns "" or why not (a duplicate name, a missing hook).
  std::string add_process_node(ProcessNode node);
  // Where clients reach `node` (its client proxy). REQUIRES: a server node.
  std::uint16_t client_port(const std::string& node) const;
  TcpProxy& client_proxy(const std::string& node);
  bool is_killed(const std::string& node) const { return killed_.count(node) > 0; }
  bool is_paused(const std::string& node) const { return paused_.count(node) > 0; }

  std::vector<std::string> nodes() const override;
  std::string refuse(nemeses::FaultKind kind) const override;
  std::int64_t now_ns() const override { return clock_.monotonic_ns(); }
  void sleep_until_ns(std::int64_t at_ns) override;
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

 private:
  struct Node {
    ServerNode spec;
    std::unique_ptr<TcpProxy> proxy;  // harness <-> node
  };
  struct Link {
    ReplicationLink spec;
    std::unique_ptr<TcpProxy> proxy;  // downstream (client side) <-> upstream (server side)
  };
  RealFaultPort(io::Clock& clock) : clock_(clock) {}
  const Node* find(const std::string& name) const;
  // The proxy carrying traffic between a and b, and whether `a` is on its client side.
  TcpProxy* link_proxy(const std::string& a, const std::string& b, bool* a_is_client);
  std::string stall(TcpProxy& proxy, Direction direction);
  bool known(const std::string& name) const {
    return nodes_.count(name) > 0 || controlled_.count(name) > 0 || processes_.count(name) > 0;
  }
  // The refusal of a network fault naming a process node, or "".
  std::string process_network_refusal(const std::vector<std::string>& names) const;
  std::string controlled_fault(const std::string& op, const std::string& node, bool down);

  io::Clock& clock_;
  std::map<std::string, Node> nodes_;
  std::vector<Link> links_;
  std::map<std::string, ControlledNode> controlled_;
  std::map<std::string, ProcessNode> processes_;
  std::set<std::string> paused_processes_;
  std::set<std::string> partitioned_;  // controlled nodes down because of a partition
  std::set<std::string> killed_;
  std::map<std::string, std::vector<pid_t>> paused_;
};

}  // namespace fl::real::fault
