#include "scenarios/saga_scenario.h"
#include "scenarios/scenario.h"

namespace fl::scenarios {

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "unknown";
}

const std::vector<ScenarioInfo>& all_scenarios() {
  static std::vector<ScenarioInfo> kScenarios = {
      {"selftest",
       "5 echo/relay nodes, 8 clients; partitions, loss, duplication, clogging, crashes, pauses "
       "and clock faults drawn by the seed; checks acknowledged => handled, no reply without a "
       "request, restarts observed, liveness after heal",
       {"sim", "real"},
       [](const RunOptions& o) {
         return o.mode == "real" ? run_selftest_real(o) : run_selftest(o);
       }},
      {"selftest-bug-stale-reply",
       "known-bug variant, must FAIL: the echo service answers every 200th request with the "
       "previous reply; proves the selftest's checks can fail",
       {"sim"},
       run_selftest_stale_reply},
  };
  // The saga scenarios (scenarios/saga_scenario.cc), appended once.
  static const bool kWithSagas = [] {
    for (auto& s : saga_scenarios()) kScenarios.push_back(std::move(s));
    return true;
  }();
  (void)kWithSagas;
  return kScenarios;
}

const ScenarioInfo* find_scenario(const std::string& name) {
  for (const auto& s : all_scenarios()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace fl::scenarios
