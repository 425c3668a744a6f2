// A shrunk run's directory for the shrink page's tests (sample_run.h, write_sample_shrink): two
// sample runs of different sizes and the shrink.json that `faultline shrink` writes between them.
#include <fstream>

#include "tests/reports/sample_run.h"

namespace fl::reports::testing {

nlohmann::json write_sample_shrink(const std::filesystem::path& dir, const std::string& hostile) {
  write_sample(make_sample({}), dir);
  write_sample(
      make_sample(
          {.clients = 3, .ops = 60, .duration_ns = 5'000'000'000, .seed = 7, .with_kill = false}),
      dir / "shrink" / "3");
  const nlohmann::json fail = {{"result", "fail"},
                               {"failing_checkers", {"elle-rw-register"}},
                               {"signature", {"elle-rw-register:G2-item"}}};
  const nlohmann::json pass = {
      {"result", "pass"}, {"failing_checkers", nlohmann::json::array()}, {"signature", {}}};
  const std::vector<std::string> found = {"duration_s=5", "workload.0.concurrency=3",
                                          "workload.0.op_limit=60"};
  const nlohmann::json shrink = {
      {"scenario", "register-sample"},
      {"seed", 7},
      {"mode", "sim"},
      {"original", {{"set", {"workload.0.concurrency=5"}}, {"trial", fail}}},
      {"runs", 3},
      {"budget", 12},
      {"budget_exhausted", false},
      {"knobs",
       {{{"key", "nemesis.0.max_faults" + hostile}, {"from", 4}, {"to", 4}},
        {{"key", "duration_s"}, {"from", 20}, {"to", 5}},
        {{"key", "workload.0.concurrency"}, {"from", 5}, {"to", 3}},
        {{"key", "workload.0.op_limit"}, {"from", 400}, {"to", 60}}}},
      {"steps",
       {{{"set", {"duration_s=1"}}, {"trial", pass}, {"kept", false}},
        {{"set", {"duration_s=5"}}, {"trial", fail}, {"kept", true}},
        {{"set", found}, {"trial", fail}, {"kept", true}}}},
      {"set", {"workload.0.concurrency=5", found[0], found[1], found[2]}},
      {"command",
       "faultline run register-sample --seed 7 --set duration_s=5 --set workload.0.concurrency=3 "
       "--set workload.0.op_limit=60"},
      {"run_dir", (dir / "shrink" / "3").string()},
      {"run_subdir", "shrink/3"}};
  std::ofstream(dir / "shrink.json") << shrink.dump(2);
  return shrink;
}

}  // namespace fl::reports::testing
