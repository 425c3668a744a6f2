#include "sim/sim_tasks.h"

#include "sim/simulator.h"

namespace fl::sim {

SimTasks::SimTasks(Simulator* sim, int node, std::uint64_t incarnation)
    : sim_(sim), node_(node), incarnation_(incarnation), name_(sim->node_name(node)) {}

void SimTasks::spawn(std::string name, std::function<void()> body) {
  if (!sim_->is_up(node_) || sim_->incarnation(node_) != incarnation_) {
    throw io::NodeCrashed{name_};
  }
  sim_->spawn(node_, std::move(name), std::move(body));
}

void SimTasks::yield() { sim_->yield(); }

}  // namespace fl::sim
