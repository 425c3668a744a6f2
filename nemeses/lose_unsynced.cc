// Lose-unsynced faults. Fault model: a power loss of one node: it is killed and loses every
// write it had acknowledged but not yet synced to disk, as its store's durability rules say
// (Redis AOF everysec: up to the last second; PostgreSQL with synchronous_commit off: commits
// after the last WAL flush). Candidates are tried in a random order until one has such a
// notion (the port refuses nodes that have none); the node restarts when the fault stops.
#include "nemeses/check.h"
#include "nemeses/fault.h"

namespace fl::nemeses {
namespace {

class LoseUnsyncedFault final : public Fault {
 public:
  explicit LoseUnsyncedFault(std::vector<std::string> nodes) : nodes_(std::move(nodes)) {}

  std::string kind() const override { return to_string(FaultKind::kLoseUnsynced); }
  std::vector<FaultKind> kinds() const override { return {FaultKind::kLoseUnsynced}; }
  nlohmann::json start(FaultPort& port, io::Random& random, std::string* error) override {
    killed_.clear();
    const std::vector<std::string> order = shuffled(nodes_.empty() ? port.nodes() : nodes_, random);
    std::string refusals;
    for (const auto& node : order) {  // bounded by the number of nodes
      const std::string e = port.kill(node, true);
      if (e.empty()) {
        killed_ = node;
        return {{"node", node}};
      }
      append_error(&refusals, e);
    }
    *error = refusals.empty() ? "no candidate node" : refusals;
    return {{"tried", order}};
  }
  nlohmann::json stop(FaultPort& port, std::string* error) override {
    NEMESES_CHECK(!killed_.empty());
    *error = port.restart(killed_);
    nlohmann::json value = {{"node", killed_}};
    killed_.clear();
    return value;
  }
  nlohmann::json describe() const override {
    nlohmann::json out = {{"fault", "lose-unsynced"}};
    if (!nodes_.empty()) out["nodes"] = nodes_;
    return out;
  }
  std::vector<std::string> only_nodes() const override { return nodes_; }

 private:
  std::vector<std::string> nodes_;
  std::string killed_;
};

}  // namespace

std::unique_ptr<Fault> make_lose_unsynced(Options& options) {
  return std::make_unique<LoseUnsyncedFault>(options.strings("nodes"));
}

}  // namespace fl::nemeses
