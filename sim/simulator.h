// Simulator: one deterministic run of a distributed system in one thread.
//
// Usage: add nodes (each with a start-up function that receives the node's io::Env), then run()
// a driver function on the harness node ("client", index 0, never crashed by faults). run()
// starts every node, runs the driver to completion, then stops every node, waits for all fibers
// to unwind, and reports the trace hash. Fault control (crash, restart, pause, clocks, network)
// may be called from any fiber during the run.
//
// Nodes model processes: a crash ends the incarnation (its fibers unwind with io::NodeCrashed at
// their next suspension point; volatile state such as the Env and everything the start-up
// function built is dropped); durable state lives outside the node (simulated stores) and
// survives; a restart runs the start-up function again, so recovery code runs.
#pragma once

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/pooled_fixedsize_stack.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/network.h"
#include "sim/scheduler.h"
#include "sim/sim_clock.h"
#include "sim/trace.h"
#include "system/io/env.h"

namespace fl::sim {

struct SimOptions {
  std::uint64_t seed = 1;
  std::uint64_t max_events = 200'000'000;
  std::int64_t max_time_ns = 24LL * 3600 * 1000 * 1000 * 1000;
  std::uint64_t max_incarnations_per_node = 100000;
};

struct RunReport {
  std::uint64_t seed = 0;
  std::string trace_hash;  // 16 hex digits
  std::uint64_t events = 0;
  std::int64_t virtual_ns = 0;
  bool limit_hit = false;
  std::string limit_message;
  // Exceptions that escaped a fiber (other than NodeCrashed): bugs in the code under test.
  std::vector<std::string> fiber_failures;
  NetworkStats network;
};

using NodeMain = std::function<void(io::Env&)>;
// Runs at every start of a node, before its main: attaches per-incarnation resources (stores)
// to the Env and returns their owner, kept alive as long as the incarnation's Env.
using NodeSetup = std::function<std::shared_ptr<void>(int node, io::Env& env)>;

class Simulator {
 public:
  static constexpr int kHarnessNode = 0;
  static constexpr std::size_t kStackBytes = 256 * 1024;
  static constexpr std::size_t kMaxNodes = 256;

  explicit Simulator(SimOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Before run(): declares a node. Returns its index (>= 1).
  int add_node(std::string name, NodeMain main);
  // Before run(): sets the node's setup hook (the harness node included).
  void set_node_setup(int node, NodeSetup setup);
  int node_count() const { return static_cast<int>(nodes_.size()); }
  const std::string& node_name(int node) const;
  int find_node(const std::string& name) const { return network_.find_node(name); }

  // Runs one simulation. May be called once per Simulator.
  RunReport run(std::function<void(io::Env&)> driver);

  // --- during run(), from any fiber ---
  std::int64_t now_ns() const { return scheduler_->now_ns(); }
  SimNetwork& network() { return network_; }
  Trace& trace() { return trace_; }
  io::Random& random() { return random_; }  // the harness' stream (generators, nemeses)
  bool is_up(int node) const;
  std::uint64_t incarnation(int node) const;
  void crash(int node);
  void restart(int node);  // REQUIRES: !is_up(node)
  void pause(int node);
  void resume(int node);
  bool is_paused(int node) const;
  void set_wall_offset(int node, std::int64_t offset_ns);
  void set_drift_ppm(int node, std::int64_t ppm);
  const ClockSkew& skew(int node) const;
  // The node's wall clock now, as its io::Clock would read it.
  std::int64_t wall_ns(int node) const;
  // Starts a fiber on `node` (its current incarnation). REQUIRES: is_up(node).
  void spawn(int node, std::string name, std::function<void()> body);
  // Throws io::NodeCrashed if the calling fiber's node incarnation has ended. Simulated stores
  // call it on every operation so that a crashed process cannot act before it unwinds.
  void check_alive() const;
  bool stopping() const { return stopping_; }
  // A suspension point for the calling fiber (see io::Tasks::yield).
  void yield() { scheduler_->yield(); }
  // Park/unpark for simulated services: take a ref, publish it, park; another fiber (or an
  // event) unparks it. Returns false when `until_ns` (virtual, -1: none) passed first.
  FiberRef current_ref() const { return scheduler_->current_ref(); }
  bool park(const char* waiting_for, std::int64_t until_ns) {
    return scheduler_->park(waiting_for, until_ns) == WakeReason::kUnparked;
  }
  void unpark(FiberRef ref) { scheduler_->unpark(ref); }
  // Suspends the calling fiber until virtual time `at_ns` (harness fibers: clients, nemeses).
  void sleep_until(std::int64_t at_ns) {
    scheduler_->park("sleep", at_ns > now_ns() ? at_ns : now_ns());
  }

 private:
  struct NodeRuntime;
  struct Node {
    std::string name;
    NodeMain main;
    NodeSetup setup;
    bool up = false;
    std::uint64_t incarnation = 0;
    ClockSkew skew;
    NodeRuntime* runtime = nullptr;
  };

  void start(int node);
  void stop_all();
  void fiber_entry(const std::function<void()>& body);
  Node& node_at(int node);
  const Node& node_at(int node) const;

  SimOptions options_;
  Trace trace_;
  boost::intrusive_ptr<SimScheduler> scheduler_;
  SimNetwork network_;
  io::Random random_;
  // Stacks are recycled within a run: one RPC handler fiber per request is the common case.
  boost::fibers::pooled_fixedsize_stack stacks_;
  std::vector<Node> nodes_;
  // Every incarnation's runtime, kept until the run ends: crashed fibers may still unwind
  // through their Env after the crash.
  std::vector<std::unique_ptr<NodeRuntime>> runtimes_;
  std::function<void(io::Env&)> driver_;
  FiberRef main_waiter_;
  bool ran_ = false;
  bool stopping_ = false;
  std::string limit_message_;
  std::vector<std::string> fiber_failures_;
};

}  // namespace fl::sim
