#include "nemeses/schedule.h"

#include <algorithm>

#include "nemeses/check.h"

namespace fl::nemeses {
namespace {

constexpr std::int64_t kNsPerMs = 1000 * 1000;

// Uniform in [mean/2, 3*mean/2], at least 1 ms.
std::int64_t around(io::Random& random, std::int64_t mean_ms) {
  const std::int64_t ms = random.between(mean_ms / 2, mean_ms + mean_ms / 2);
  return std::max<std::int64_t>(1, ms) * kNsPerMs;
}

}  // namespace

ScheduleOptions ScheduleOptions::read(Options& options, const ScheduleOptions& fallback) {
  ScheduleOptions s;
  s.interval_ms = options.integer("interval_ms", fallback.interval_ms, 1, kMaxMs);
  s.duration_ms = options.integer("duration_ms", fallback.duration_ms, 1, kMaxMs);
  s.max_faults = options.integer("max_faults", fallback.max_faults, 0, kMaxFaultsLimit);
  return s;
}

ScheduleOptions ScheduleOptions::read(Options& options) { return read(options, ScheduleOptions{}); }

nlohmann::json ScheduleOptions::describe() const {
  return {{"interval_ms", interval_ms}, {"duration_ms", duration_ms}, {"max_faults", max_faults}};
}

history::Op nemesis_op(const FaultPort& port, const std::string& f, nlohmann::json value,
                       const std::string& error) {
  history::Op op;
  op.time_ns = port.now_ns();
  op.process = history::kNemesisProcess;
  op.type = history::OpType::kInfo;
  op.f = f;
  op.value = std::move(value);
  if (!error.empty()) op.extra["error"] = error;
  return op;
}

ScheduleNemesis::ScheduleNemesis(std::string name, ScheduleOptions schedule,
                                 std::vector<std::unique_ptr<Fault>> faults)
    : name_(std::move(name)), schedule_(schedule), faults_(std::move(faults)) {
  NEMESES_CHECK(!faults_.empty());
  NEMESES_CHECK(schedule_.interval_ms >= 1 && schedule_.duration_ms >= 1);
}

std::vector<FaultKind> ScheduleNemesis::kinds() const {
  std::vector<FaultKind> out;
  for (const auto& f : faults_) {
    for (FaultKind k : f->kinds()) {
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
    }
  }
  return out;
}

std::vector<std::string> ScheduleNemesis::named_nodes() const {
  std::vector<std::string> out;
  for (const auto& f : faults_) {
    for (const auto& n : f->only_nodes()) out.push_back(n);
  }
  return out;
}

void ScheduleNemesis::run(FaultPort& port, io::Random& random, std::int64_t until_ns,
                          const Record& record) {
  NEMESES_CHECK(refuse(port).empty());
  for (std::int64_t round = 0; round < schedule_.max_faults; ++round) {
    const std::int64_t start_at = port.now_ns() + around(random, schedule_.interval_ms);
    if (start_at >= until_ns) break;
    port.sleep_until_ns(start_at);
    one_round(port, random, until_ns, record);
  }
  if (port.now_ns() < until_ns) port.sleep_until_ns(until_ns);
}

void ScheduleNemesis::one_round(FaultPort& port, io::Random& random, std::int64_t until_ns,
                                const Record& record) {
  Fault& fault = *faults_[random.below(faults_.size())];
  std::string error;
  nlohmann::json value = fault.start(port, random, &error);
  value["nemesis"] = name_;
  record(nemesis_op(port, "start-" + fault.kind(), value, error));
  if (!error.empty()) {
    ++failed_;
    return;
  }
  ++started_;
  const std::int64_t end =
      std::min(until_ns, port.now_ns() + around(random, schedule_.duration_ms));
  port.sleep_until_ns(end);
  error.clear();
  nlohmann::json stopped = fault.stop(port, &error);
  stopped["nemesis"] = name_;
  record(nemesis_op(port, "stop-" + fault.kind(), stopped, error));
  ++stopped_;
}

nlohmann::json ScheduleNemesis::describe() const {
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& f : faults_) faults.push_back(f->describe());
  return {{"name", name_},
          {"schedule", schedule_.describe()},
          {"faults", faults},
          {"counts", {{"started", started_}, {"failed", failed_}, {"stopped", stopped_}}}};
}

}  // namespace fl::nemeses
