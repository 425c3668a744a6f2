// Proves the sync scenarios (scenario files on the harness): the correct system passes seeds of
// `sync-crdt` (faults drawn by each seed) deterministically and does real work (acknowledged
// edits of every type, every replica read at the end), the crash-point enumeration passes with
// every region and device crashed after each of its durable steps, `sync-crdt-real` passes in
// simulation, and each known-bug variant fails on a seed its sweep found, with the anomaly its
// bug makes, while the same scenario and seed pass with the bug off. (Sweeps and shrinks through
// the binary: sync_bugs_test.cc.)
#include <gtest/gtest.h>

#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using harness::RunResult;
using harness::Verdict;

nlohmann::json sync_check(const RunResult& r) {
  for (const auto& c : r.checks) {
    if (c.value("name", "") == "sync") return c["result"];
  }
  return nullptr;
}

TEST(SyncScenario, PassesSeedsWithFaults) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const RunResult r = run_scenario("sync-crdt", seed);
    EXPECT_EQ(r.verdict, Verdict::kPass) << "seed " << seed << describe(r);
    const nlohmann::json check = sync_check(r);
    ASSERT_TRUE(check.is_object()) << "seed " << seed;
    EXPECT_GT(check["edits_acknowledged"].get<int>(), 100) << check.dump();
    EXPECT_GT(check["reads"].get<int>(), 20) << check.dump();
    EXPECT_EQ(check["replicas"].get<int>(), 2 + 5) << check.dump();
  }
}

TEST(SyncScenario, SameSeedSameTraceHash) {
  const RunResult a = run_scenario("sync-crdt", 9), b = run_scenario("sync-crdt", 9);
  EXPECT_FALSE(a.trace_hash.empty());
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_NE(a.trace_hash, run_scenario("sync-crdt", 10).trace_hash);
}

TEST(SyncScenario, CrashPointsExhaustively) {
  const RunResult r = run_scenario("sync-crdt-crash-points", 1);
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_GT(r.details["crash_runs"].get<int>(), 20) << r.details.dump();
  for (const char* node : {"sync1", "sync2", "d1", "d2"}) {
    EXPECT_GT(r.details["crash_points"][node]["durable_steps"].get<int>(), 0) << node;
  }
}

TEST(SyncScenario, RealScenarioPassesInSimulation) {
  const RunResult r = run_scenario("sync-crdt-real", 1);
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  const nlohmann::json check = sync_check(r);
  ASSERT_TRUE(check.is_object());
  EXPECT_GT(check["edits_acknowledged"].get<int>(), 100) << check.dump();
}

TEST(SyncScenario, EachKnownBugFailsWithItsAnomalyAndPassesWhenOff) {
  struct Case {
    const char* bug;
    std::uint64_t seed;                  // a failing seed of its sweep
    std::vector<std::string> anomalies;  // one of these
  };
  const Case cases[] = {
      {"lww-wall-clock", 4, {"lww-not-latest", "lww-causally-overwritten"}},
      {"lww-no-tiebreak", 4, {"divergence"}},
      {"orset-remove-by-element", 1, {"orset-lost-add"}},
      {"vv-compare", 1, {"lost-update", "divergence"}},
  };
  for (const Case& c : cases) {
    const std::string scenario = std::string("sync-crdt-bug-") + c.bug;
    const RunResult bad = run_scenario(scenario, c.seed);
    EXPECT_EQ(bad.verdict, Verdict::kFail) << scenario << describe(bad);
    const nlohmann::json counts = sync_check(bad).value("anomaly_counts", nlohmann::json::object());
    bool found = false;
    for (const auto& a : c.anomalies) found = found || counts.contains(a);
    EXPECT_TRUE(found) << scenario << ": " << counts.dump();
    const RunResult good = run_scenario(scenario, c.seed, {"topology.system_options.bug=none"});
    EXPECT_EQ(good.verdict, Verdict::kPass) << scenario << " with the bug off" << describe(good);
  }
}

}  // namespace
}  // namespace fl::test
