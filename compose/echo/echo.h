// The echo composition: the worked example of docs/adding-a-system.md, and the simulator's own
// regression system. Its service "echo" (system/echo) runs on nodes n1..nN; its workload "echo"
// calls /echo and /relay/{node} on random nodes; its system check (check.cc) holds the replies
// to the oracle the nodes report to in simulation.
//
// System options: nodes [5] (2..16); bug ["none"] "stale-reply" (simulation only: every 200th
// /echo answers with the previous reply; the check must catch it).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "system/echo/echo_service.h"

namespace fl::compose {

// What the echo nodes of one simulated run report (shared by the nodes and the check).
class EchoOracle final : public echo::EchoObserver {
 public:
  static constexpr std::size_t kMaxHandled = 1'000'000;

  void on_start(const std::string& node, std::uint64_t incarnation) override {
    starts[node].push_back(incarnation);
  }
  void on_handled(const std::string& node, std::uint64_t incarnation,
                  const std::string& body) override {
    if (handled.size() < kMaxHandled) handled[body].insert({node, incarnation});
  }

  std::map<std::string, std::vector<std::uint64_t>> starts;                        // by node
  std::map<std::string, std::set<std::pair<std::string, std::uint64_t>>> handled;  // by body
};

std::string echo_node_name(int i);  // "n1", ...

void register_echo();

// Defined in services.cc, system.cc, workload.cc; called by register_echo() only.
void register_echo_service();
void register_echo_system();
void register_echo_workload();

}  // namespace fl::compose
