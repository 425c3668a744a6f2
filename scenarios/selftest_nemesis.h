// SelftestNemesis: the fault schedule of the selftest scenario, drawn from the run's seed.
//
// Fault model: at the start the seed enables a random non-empty subset of fault kinds (swarm
// testing) and draws their parameters; then, every 100-700 ms of virtual time, one enabled fault
// is injected: two-way partition into random halves, isolation of one node, a one-way partition,
// message loss, duplication, long-tail latency, a clogged link, a crash (restarted 50-2000 ms
// later), a pause (resumed 50-1500 ms later), a wall-clock jump, a clock drift, or a heal.
// heal_all() ends every fault: network healed, nodes restarted and resumed, clocks left skewed
// (skew is not a fault the system may wait out).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/simulator.h"

namespace fl::scenarios {

class SelftestNemesis {
 public:
  enum Fault : int {
    kPartitionHalves,
    kIsolate,
    kOneWay,
    kLoss,
    kDuplicate,
    kTail,
    kClog,
    kCrash,
    kPause,
    kClockJump,
    kClockDrift,
    kHeal,
    kFaultCount
  };
  static constexpr int kMaxFaults = 10000;

  SelftestNemesis(sim::Simulator& sim, int nodes);

  // Injects faults from the calling (harness) fiber until virtual time `until_ns`.
  void run_until(std::int64_t until_ns);
  void heal_all();
  std::uint64_t restarts(int node) const { return restarts_.at(static_cast<std::size_t>(node)); }
  nlohmann::json summary() const;

 private:
  void inject(Fault fault);
  int random_node();
  void later(std::string name, std::int64_t delay_ns, std::function<void()> action);

  sim::Simulator& sim_;
  int nodes_;
  io::Random rnd_;
  std::vector<Fault> enabled_;
  std::vector<std::uint64_t> restarts_;
  std::vector<std::uint64_t> injected_;
  bool healed_ = false;
};

}  // namespace fl::scenarios
