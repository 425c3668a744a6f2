#include "tests/support/scenario.h"

#include "harness/run.h"
#include "harness/scenario_file.h"

namespace fl::test {

harness::RunResult run_scenario(const std::string& name, std::uint64_t seed,
                                std::vector<std::string> sets, const std::string& mode) {
  harness::RunOptions o;
  o.scenario = name;
  o.seed = seed;
  o.mode = mode;
  o.overrides = std::move(sets);
  const std::string file = harness::find_scenario_file(name);
  if (file.empty()) {
    harness::RunResult r;
    r.usage_error = "no scenario file for '" + name + "'";
    return r;
  }
  return harness::run_toml_file(file, o);
}

std::string describe(const harness::RunResult& result) {
  std::string out = result.usage_error;
  for (const auto& p : result.problems) out += "\n" + p;
  for (const auto& c : result.checks) {
    if (c["valid"] != true) out += "\n" + c.dump().substr(0, 3000);
  }
  return out;
}

nlohmann::json ok_value(const harness::RunResult& result, const std::string& f) {
  nlohmann::json found = nullptr;
  for (const auto& op : result.history.ops) {
    if (op.f == f && op.type == history::OpType::kOk) found = op.value;
  }
  return found;
}

int nemesis_count(const harness::RunResult& result, const std::string& f, const std::string& node) {
  int n = 0;
  for (const auto& op : result.history.ops) {
    if (op.process != history::kNemesisProcess || op.f != f) continue;
    if (op.value.dump().find("\"" + node + "\"") != std::string::npos) ++n;
  }
  return n;
}

}  // namespace fl::test
