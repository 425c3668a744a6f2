// Proves the disaster-recovery system on the harness: the correct system passes seeds of
// `dr-failover` with real work and real failovers (several timelines, every acknowledged write
// in the final read), the same seed gives the same trace hash, every crash point of
// `dr-crash-points` and of `dr-pitr-crash-points` passes, `dr-pitr` restores across failovers
// and drills, seed 998 (which once lost acknowledged writes) keeps them, each
// known-bug variant fails on a seed its sweep found, for the reason it exists, and a configuration
// breaking Patroni's timing rule is refused with a message. Sweeps and shrinks through the binary:
// dr_bugs_test.cc.
#include <gtest/gtest.h>

#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using harness::RunResult;
using harness::Verdict;

nlohmann::json check_result(const RunResult& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.value("name", "") == name) return c.value("result", nlohmann::json());
  }
  return nlohmann::json::object();
}
nlohmann::json dr_result(const RunResult& r) { return check_result(r, "dr"); }

TEST(DrScenario, PassesSeedsWithFailovers) {
  int failovers = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const RunResult r = run_scenario("dr-failover", seed);
    EXPECT_EQ(r.verdict, Verdict::kPass) << "seed " << seed << describe(r);
    const nlohmann::json d = dr_result(r);
    EXPECT_GT(d.value("acknowledged", 0), 100) << d.dump();
    EXPECT_EQ(d.value("lost", -1), 0) << d.dump();
    EXPECT_EQ(d.value("final_read", false), true) << d.dump();
    failovers += d.value("timelines", 0) - 1;
  }
  EXPECT_GE(failovers, 2) << "the faults must force failovers";
}

// Seed 998 lost five acknowledged writes when eligibility compared WAL lengths: a deposed
// primary's unconfirmed tail was as long as the new leader's WAL (docs/dr.md).
TEST(DrScenario, Seed998KeepsEveryAcknowledgedWrite) {
  const RunResult r = run_scenario("dr-failover", 998);
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  const nlohmann::json d = dr_result(r);
  EXPECT_EQ(d.value("lost", -1), 0) << d.dump();
  EXPECT_GE(d.value("timelines", 0), 4) << "the failovers that lost writes must still happen";
}

TEST(DrScenario, SameSeedSameTraceHash) {
  const RunResult a = run_scenario("dr-failover", 7), b = run_scenario("dr-failover", 7);
  EXPECT_FALSE(a.trace_hash.empty());
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_NE(a.trace_hash, run_scenario("dr-failover", 8).trace_hash);
}

TEST(DrScenario, CrashPointsExhaustively) {
  const RunResult r = run_scenario("dr-crash-points", 1);
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_GE(r.details["crash_runs"].get<int>(), 30) << r.details.dump();
  for (const char* n : {"db1", "db2", "db3"}) {
    EXPECT_EQ(r.details["crash_points"][n]["durable_steps"],
              r.details["crash_points"][n]["crashed_at"]);
  }
}

TEST(DrScenario, PitrPassesSeedsWithRestoresAndADrill) {
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    const RunResult r = run_scenario("dr-pitr", seed);
    EXPECT_EQ(r.verdict, Verdict::kPass) << "seed " << seed << describe(r);
    const nlohmann::json p = check_result(r, "pitr");
    EXPECT_GT(p.value("restores", 0), 20) << p.dump();
    EXPECT_EQ(p.value("drills", 0), 1) << p.dump();
    EXPECT_GT(p.value("incremental_backups", 0), 0) << "the drill verified incrementals too";
    EXPECT_GE(check_result(r, "dr").value("timelines", 0), 2) << "restores across failovers";
  }
}

TEST(DrScenario, PitrSameSeedSameTraceHash) {
  const RunResult a = run_scenario("dr-pitr", 3), b = run_scenario("dr-pitr", 3);
  EXPECT_FALSE(a.trace_hash.empty());
  EXPECT_EQ(a.trace_hash, b.trace_hash);
}

TEST(DrScenario, PitrCrashPointsExhaustively) {
  const RunResult r = run_scenario("dr-pitr-crash-points", 1);
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_GE(r.details["crash_runs"].get<int>(), 40) << r.details.dump();
  for (const char* n : {"db1", "db2", "db3", "archive"}) {
    EXPECT_GT(r.details["crash_points"][n]["durable_steps"].get<int>(), 0) << n;
    EXPECT_EQ(r.details["crash_points"][n]["durable_steps"],
              r.details["crash_points"][n]["crashed_at"]);
  }
}

struct Variant {
  const char* bug;
  std::uint64_t seed;  // a seed the variant's sweep found failing
  const char* says;    // what the dr check must report
};

TEST(DrScenario, EachKnownBugFailsForItsReason) {
  const Variant variants[] = {
      {"ack-before-sync-standby", 1, "lost acknowledged write (synchronous mode)"},
      {"failover-without-fencing", 6, "two primaries"},
      {"promote-lagging-replica", 4, "beyond maximum_lag_on_failover"},
      {"pitr-silent-gap", 1, "lacks"},
  };
  for (const Variant& v : variants) {
    const RunResult r = run_scenario(std::string("dr-bug-") + v.bug, v.seed);
    EXPECT_EQ(r.verdict, Verdict::kFail) << v.bug << describe(r);
    const std::string problems = dr_result(r).value("problems", nlohmann::json::array()).dump() +
                                 check_result(r, "pitr").value("problems", nlohmann::json()).dump();
    EXPECT_NE(problems.find(v.says), std::string::npos) << v.bug << ": " << problems;
  }
}

TEST(DrScenario, PatronisTimingRuleIsEnforced) {
  const RunResult r = run_scenario(
      "dr-failover", 1,
      {"topology.system_options.loop_wait_ms=3000", "topology.system_options.retry_timeout_ms=2000",
       "topology.system_options.ttl_s=6"});
  EXPECT_FALSE(r.usage_error.empty());
  EXPECT_NE(r.usage_error.find("loop_wait + 2 * retry_timeout must be <= ttl"), std::string::npos)
      << r.usage_error;
}

TEST(DrScenario, RealModeIsRefusedWithAReason) {
  const RunResult r = run_scenario("dr-failover", 1, {}, "real");
  EXPECT_FALSE(r.usage_error.empty());
}

}  // namespace
}  // namespace fl::test
