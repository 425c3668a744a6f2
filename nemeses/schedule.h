// ScheduleNemesis: the fault schedule every registered nemesis runs. Rounds alternate a quiet
// gap and one fault: wait a gap drawn uniformly in [interval/2, 3*interval/2], pick one of the
// nemesis' faults uniformly, start it, hold it for a duration drawn uniformly in
// [duration/2, 3*duration/2] (cut at the end of the chaos phase), stop it. At most max_faults
// rounds; nothing starts at or after `until_ns`. A single fault makes a plain nemesis; several
// make a composition ("mix").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nemeses/fault.h"
#include "nemeses/nemesis.h"

namespace fl::nemeses {

struct ScheduleOptions {
  static constexpr std::int64_t kMaxMs = 24LL * 3600 * 1000;
  static constexpr std::int64_t kMaxFaultsLimit = 1000000;
  std::int64_t interval_ms = 2000;  // mean quiet gap between faults
  std::int64_t duration_ms = 2000;  // mean length of one fault
  std::int64_t max_faults = 10000;  // named limit on rounds

  // Reads interval_ms, duration_ms, max_faults (defaults: `fallback`).
  static ScheduleOptions read(Options& options, const ScheduleOptions& fallback);
  static ScheduleOptions read(Options& options);
  nlohmann::json describe() const;
};

class ScheduleNemesis final : public Nemesis {
 public:
  ScheduleNemesis(std::string name, ScheduleOptions schedule,
                  std::vector<std::unique_ptr<Fault>> faults);

  std::string name() const override { return name_; }
  std::vector<FaultKind> kinds() const override;
  void run(FaultPort& port, io::Random& random, std::int64_t until_ns,
           const Record& record) override;
  nlohmann::json describe() const override;

 protected:
  std::vector<std::string> named_nodes() const override;

 private:
  void one_round(FaultPort& port, io::Random& random, std::int64_t until_ns, const Record& record);

  std::string name_;
  ScheduleOptions schedule_;
  std::vector<std::unique_ptr<Fault>> faults_;
  std::int64_t started_ = 0, failed_ = 0, stopped_ = 0;
};

// The history op for a nemesis event (see nemesis.h for the fields).
history::Op nemesis_op(const FaultPort& port, const std::string& f, nlohmann::json value,
                       const std::string& error);

}  // namespace fl::nemeses
