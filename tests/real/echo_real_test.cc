// Proves the echo system (the worked example of docs/adding-a-system.md) in both modes from one
// scenario file, scenarios/selftest-real.toml: in real mode five `faultline serve echo` processes
// on loopback, peers of each other (so /relay crosses real HTTP between processes), killed with
// -9 and frozen with SIGSTOP; in simulation the same nodes on the simulated network. Both must
// pass the echo check; only simulation has the oracle's side of it.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using harness::RunResult;
using harness::Verdict;

const nlohmann::json* echo_check(const RunResult& r) {
  for (const auto& c : r.checks) {
    if (c.value("name", "") == "echo") return &c;
  }
  return nullptr;
}

TEST(EchoReal, ProcessesSurviveKillAndPause) {
  setenv("FL_FAULTLINE", FL_FAULTLINE_PATH, /*overwrite=*/0);
  const RunResult r = run_scenario("selftest-real", 1, {}, "real");
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  const nlohmann::json* check = echo_check(r);
  ASSERT_NE(check, nullptr);
  EXPECT_EQ((*check)["result"]["oracle"], false);
  EXPECT_GT((*check)["result"]["acknowledged"].get<int>(), 50) << check->dump();
  int kills = 0;
  for (int i = 1; i <= 5; ++i) kills += nemesis_count(r, "start-kill", "n" + std::to_string(i));
  EXPECT_GE(kills, 1);
  EXPECT_EQ(r.details["services"].size(), 5u) << r.details.dump();
}

TEST(EchoReal, TheSameFilePassesInSimulationWithTheOracle) {
  const RunResult r = run_scenario("selftest-real", 1);
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  const nlohmann::json* check = echo_check(r);
  ASSERT_NE(check, nullptr);
  EXPECT_EQ((*check)["result"]["oracle"], true);
}

}  // namespace
}  // namespace fl::test
