// Proves the real-mode harness runtime (harness/runtime/real_runtime.cc) end to end: shipped
// scenario files run with --mode real against throwaway servers started for the run: list-append at
// serializable on PostgreSQL with kill -9 and pause of the postmaster's tree, and a register on
// Redis (AOF) with kill and pause; each passes its checker, completes operations after the heal
// (liveness) and records the faults it injected in the history. Faults real mode cannot inject
// (clock) and topologies it cannot build (three PostgreSQL servers) are refused before the run
// with a message naming the cause.
#include <gtest/gtest.h>

#include "harness/run.h"
#include "harness/scenario_file.h"
#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using namespace harness;  // NOLINT: the harness under test

RunResult run_real(const std::string& name, const std::vector<std::string>& overrides) {
  ScenarioSpec spec;
  const std::string path = scenario_dir() + "/" + name + ".toml";
  const std::string error = load_scenario_file(path, overrides, &spec);
  EXPECT_EQ(error, "");
  RunOptions o;
  o.scenario = path;
  o.seed = 3;
  o.mode = "real";
  return run_toml_scenario(spec, o);
}

TEST(HarnessReal, ListAppendOnPostgresSurvivesKillAndPause) {
  const RunResult r = run_real(
      "list-append-sql",
      {"duration_s=7", "heal_s=3", "nemesis.0.interval_ms=2500", "nemesis.1.interval_ms=3000"});
  ASSERT_EQ(r.usage_error, "");
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.checks.dump() << " problems: " << r.problems.size();
  for (const auto& p : r.problems) ADD_FAILURE() << p;
  EXPECT_GE(nemesis_count(r, "start-kill", "pg1"), 1);
  EXPECT_GT(r.details["proxies"]["pg1"]["accepted"].get<int>(), 0);
}

TEST(HarnessReal, RegisterOnRedisSurvivesKillAndPause) {
  const RunResult r =
      run_real("register-cache", {"duration_s=6", "heal_s=3", "nemesis.0.interval_ms=2000"});
  ASSERT_EQ(r.usage_error, "");
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.checks.dump();
  for (const auto& p : r.problems) ADD_FAILURE() << p;
  EXPECT_GE(nemesis_count(r, "start-kill", "redis"), 1);
}

TEST(HarnessReal, RefusesWhatRealModeCannotDo) {
  const std::string base =
      "modes = [\"real\"]\nduration_s = 2\nheal_s = 1\n[topology]\npg_servers = 1\n"
      "[[workload]]\nname = \"list-append\"\n";
  ScenarioSpec spec;
  ASSERT_EQ(parse_scenario_toml(base + "[[nemesis]]\nname = \"clock-jump\"\n", "c.toml", {}, &spec),
            "");
  RunOptions o;
  o.mode = "real";
  RunResult r = run_toml_scenario(spec, o);
  EXPECT_NE(r.usage_error.find("clock"), std::string::npos) << r.usage_error;
  ScenarioSpec three;
  ASSERT_EQ(parse_scenario_toml(base, "p.toml", {"topology.pg_servers=3"}, &three), "");
  r = run_toml_scenario(three, o);
  EXPECT_NE(r.usage_error.find("pg_servers"), std::string::npos) << r.usage_error;
  ScenarioSpec crash;
  ASSERT_EQ(parse_scenario_toml(base + "[crash_points]\n", "x.toml", {}, &crash), "");
  r = run_toml_scenario(crash, o);
  EXPECT_NE(r.usage_error.find("crash points are enumerated in simulation only"), std::string::npos)
      << r.usage_error;
}

}  // namespace
}  // namespace fl::test
