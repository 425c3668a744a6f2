// SimTasks: io::Tasks for one incarnation of a simulated node.
#pragma once

#include <cstdint>
#include <string>

#include "system/io/tasks.h"

namespace fl::sim {

class Simulator;

class SimTasks final : public io::Tasks {
 public:
  SimTasks(Simulator* sim, int node, std::uint64_t incarnation);

  const std::string& node_name() const override { return name_; }
  std::uint64_t incarnation() const override { return incarnation_; }
  // Throws io::NodeCrashed if this incarnation has ended (a dead process starts nothing).
  void spawn(std::string name, std::function<void()> body) override;
  void yield() override;

 private:
  Simulator* sim_;
  int node_;
  std::uint64_t incarnation_;
  std::string name_;
};

}  // namespace fl::sim
