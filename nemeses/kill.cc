// Kill faults. Fault model: kill -9 of the target nodes (one, a minority, a majority or all of
// the candidates), held for the fault's duration, then a restart, which runs the node's start-up
// and recovery. The process loses its memory; what it had handed to the OS survives.
#include "nemeses/check.h"
#include "nemeses/fault.h"

namespace fl::nemeses {
namespace {

class KillFault final : public Fault {
 public:
  explicit KillFault(Targets targets) : targets_(std::move(targets)) {}

  std::string kind() const override { return to_string(FaultKind::kKill); }
  std::vector<FaultKind> kinds() const override { return {FaultKind::kKill}; }
  nlohmann::json start(FaultPort& port, io::Random& random, std::string* error) override {
    killed_.clear();
    const std::vector<std::string> picked = targets_.pick(port, random);
    std::string errors = picked.empty() ? "no node to kill" : "";
    for (const auto& node : picked) {
      const std::string e = port.kill(node, false);
      if (e.empty()) killed_.push_back(node);
      append_error(&errors, e);
    }
    // A partial kill is still a fault in force: stop() must restart what did die.
    if (killed_.empty()) *error = errors;
    nlohmann::json value = {{"nodes", picked}, {"killed", killed_}};
    if (!killed_.empty() && !errors.empty()) value["partial_error"] = errors;
    return value;
  }
  nlohmann::json stop(FaultPort& port, std::string* error) override {
    for (const auto& node : killed_) append_error(error, port.restart(node));
    nlohmann::json value = {{"nodes", killed_}};
    killed_.clear();
    return value;
  }
  nlohmann::json describe() const override {
    nlohmann::json out = targets_.describe();
    out["fault"] = "kill";
    return out;
  }
  std::vector<std::string> only_nodes() const override { return targets_.nodes; }

 private:
  Targets targets_;
  std::vector<std::string> killed_;
};

}  // namespace

std::unique_ptr<Fault> make_lose_unsynced(Options& options);

std::unique_ptr<Fault> make_kill(Options& options, bool lose_unsynced) {
  if (lose_unsynced) return make_lose_unsynced(options);
  return std::make_unique<KillFault>(Targets::read(options, "one"));
}

}  // namespace fl::nemeses
