// Pause faults. Fault model: SIGSTOP of the target nodes (one, a minority, a majority or all):
// they keep their state and connections but do nothing, so their peers see timeouts, leases
// held by them expire, and they wake up later believing nothing happened. stop() resumes them.
#include "nemeses/fault.h"

namespace fl::nemeses {
namespace {

class PauseFault final : public Fault {
 public:
  explicit PauseFault(Targets targets) : targets_(std::move(targets)) {}

  std::string kind() const override { return to_string(FaultKind::kPause); }
  std::vector<FaultKind> kinds() const override { return {FaultKind::kPause}; }
  nlohmann::json start(FaultPort& port, io::Random& random, std::string* error) override {
    paused_.clear();
    const std::vector<std::string> picked = targets_.pick(port, random);
    std::string errors = picked.empty() ? "no node to pause" : "";
    for (const auto& node : picked) {
      const std::string e = port.pause(node);
      if (e.empty()) paused_.push_back(node);
      append_error(&errors, e);
    }
    if (paused_.empty()) *error = errors;
    nlohmann::json value = {{"nodes", picked}, {"paused", paused_}};
    if (!paused_.empty() && !errors.empty()) value["partial_error"] = errors;
    return value;
  }
  nlohmann::json stop(FaultPort& port, std::string* error) override {
    for (const auto& node : paused_) append_error(error, port.resume(node));
    nlohmann::json value = {{"nodes", paused_}};
    paused_.clear();
    return value;
  }
  nlohmann::json describe() const override {
    nlohmann::json out = targets_.describe();
    out["fault"] = "pause";
    return out;
  }
  std::vector<std::string> only_nodes() const override { return targets_.nodes; }

 private:
  Targets targets_;
  std::vector<std::string> paused_;
};

}  // namespace

std::unique_ptr<Fault> make_pause(Options& options) {
  return std::make_unique<PauseFault>(Targets::read(options, "one"));
}

}  // namespace fl::nemeses
