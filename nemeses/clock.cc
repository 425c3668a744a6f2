// Clock faults. Fault model: the target nodes' wall clocks jump by an offset drawn uniformly in
// [-max_offset_ms, max_offset_ms] (forwards or backwards) and/or run fast or slow by a drift
// drawn in [-max_drift_ppm, max_drift_ppm]; stop() jumps them back to true time, drift 0.
// Registered as clock-jump (offset only), clock-drift (drift only) and clock (both).
#include "nemeses/check.h"
#include "nemeses/fault.h"

namespace fl::nemeses {
namespace {

constexpr std::int64_t kNsPerMs = 1000 * 1000;
constexpr std::int64_t kMaxOffsetMs = 365LL * 24 * 3600 * 1000;
constexpr std::int64_t kMaxDriftPpm = 100000;

class ClockFault final : public Fault {
 public:
  ClockFault(Targets targets, std::int64_t max_offset_ms, std::int64_t max_drift_ppm)
      : targets_(std::move(targets)), max_offset_ms_(max_offset_ms), max_drift_ppm_(max_drift_ppm) {
    NEMESES_CHECK(max_offset_ms_ >= 0 && max_drift_ppm_ >= 0);
  }

  std::string kind() const override { return to_string(FaultKind::kClock); }
  std::vector<FaultKind> kinds() const override { return {FaultKind::kClock}; }
  nlohmann::json start(FaultPort& port, io::Random& random, std::string* error) override {
    skewed_.clear();
    nlohmann::json set = nlohmann::json::array();
    std::string errors;
    for (const auto& node : targets_.pick(port, random)) {
      const std::int64_t offset_ms = random.between(-max_offset_ms_, max_offset_ms_);
      const std::int64_t drift = random.between(-max_drift_ppm_, max_drift_ppm_);
      const std::string e = port.set_clock(node, offset_ms * kNsPerMs, drift);
      if (e.empty()) skewed_.push_back(node);
      append_error(&errors, e);
      set.push_back({{"node", node}, {"offset_ms", offset_ms}, {"drift_ppm", drift}});
    }
    if (skewed_.empty()) *error = errors.empty() ? "no node to skew" : errors;
    nlohmann::json value = {{"clocks", set}};
    if (!skewed_.empty() && !errors.empty()) value["partial_error"] = errors;
    return value;
  }
  nlohmann::json stop(FaultPort& port, std::string* error) override {
    for (const auto& node : skewed_) append_error(error, port.set_clock(node, 0, 0));
    nlohmann::json value = {{"nodes", skewed_}};
    skewed_.clear();
    return value;
  }
  nlohmann::json describe() const override {
    nlohmann::json out = targets_.describe();
    out["fault"] = "clock";
    out["max_offset_ms"] = max_offset_ms_;
    out["max_drift_ppm"] = max_drift_ppm_;
    return out;
  }
  std::vector<std::string> only_nodes() const override { return targets_.nodes; }

 private:
  Targets targets_;
  std::int64_t max_offset_ms_;
  std::int64_t max_drift_ppm_;
  std::vector<std::string> skewed_;
};

}  // namespace

std::unique_ptr<Fault> make_clock(Options& options, bool offset, bool drift) {
  NEMESES_CHECK(offset || drift);
  Targets targets = Targets::read(options, "one");
  const std::int64_t max_offset_ms =
      offset ? options.integer("max_offset_ms", 10000, 0, kMaxOffsetMs) : 0;
  const std::int64_t max_drift_ppm =
      drift ? options.integer("max_drift_ppm", 50000, 0, kMaxDriftPpm) : 0;
  return std::make_unique<ClockFault>(std::move(targets), max_offset_ms, max_drift_ppm);
}

}  // namespace fl::nemeses
