// The "mix" composition: one schedule whose every round draws its fault among several
// nemeses. Options: "of" (a list of names, or of tables {name = "...", <that fault's options>}),
// and the schedule's interval_ms, duration_ms, max_faults.
#include "nemeses/registry.h"
#include "nemeses/schedule.h"

namespace fl::nemeses {

std::unique_ptr<Nemesis> make_mix(Options& options) {
  constexpr std::size_t kMaxParts = 32;
  const ScheduleOptions schedule = ScheduleOptions::read(options);
  const nlohmann::json of = options.raw("of");
  const std::string want =
      "a non-empty list (at most 32) of nemesis names or tables with a "
      "\"name\" (" +
      fault_names() + ")";
  if (!of.is_array() || of.empty() || of.size() > kMaxParts) {
    options.fail("of", want + ", got " + of.dump());
    return nullptr;
  }
  std::vector<std::unique_ptr<Fault>> faults;
  for (std::size_t i = 0; i < of.size(); ++i) {
    nlohmann::json part = of[i].is_string() ? nlohmann::json{{"name", of[i]}} : of[i];
    const FaultEntry* entry = nullptr;
    if (part.is_object() && part.contains("name") && part["name"].is_string()) {
      entry = find_fault_entry(part["name"].get<std::string>());
    }
    if (entry == nullptr) {
      options.fail("of[" + std::to_string(i) + "]", want + ", got " + of[i].dump());
      return nullptr;
    }
    part.erase("name");
    Options sub(options.owner() + " of[" + std::to_string(i) + "] '" + entry->name + "'", part);
    faults.push_back(entry->build(sub));
    const std::string error = sub.finish();
    if (!error.empty()) {
      options.fail_with(error);
      return nullptr;
    }
  }
  return std::make_unique<ScheduleNemesis>("mix", schedule, std::move(faults));
}

}  // namespace fl::nemeses
