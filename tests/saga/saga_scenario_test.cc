// Proves the saga scenarios: the correct system passes a handful of seeds (faults drawn by each
// seed) deterministically, the exhaustive crash-point scenario passes, and each known-bug
// variant is caught by a sweep of at most 50 seeds (so the checks can fail).
#include "scenarios/saga_scenario.h"

#include <gtest/gtest.h>

namespace fl::scenarios {
namespace {

constexpr std::uint64_t kBugSweepSeeds = 50;

std::string joined(const RunResult& r) {
  std::string out;
  for (const auto& p : r.problems) out += p + "\n";
  return out;
}

TEST(SagaScenario, PassesSeedsWithFaults) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    RunResult r = run_saga({"saga", seed, "sim"}, SagaBug::kNone);
    EXPECT_EQ(r.verdict, Verdict::kPass) << "seed " << seed << "\n"
                                         << joined(r) << r.details.dump();
    std::printf("seed %llu: %s\n", static_cast<unsigned long long>(seed), r.details.dump().c_str());
  }
}

TEST(SagaScenario, SameSeedSameTraceHash) {
  EXPECT_EQ(run_saga({"saga", 9, "sim"}, SagaBug::kNone).trace_hash,
            run_saga({"saga", 9, "sim"}, SagaBug::kNone).trace_hash);
}

TEST(SagaScenario, CrashPointsExhaustively) {
  RunResult r = run_saga_crash_points({"saga-crash-points", 1, "sim"});
  EXPECT_EQ(r.verdict, Verdict::kPass) << joined(r);
  EXPECT_GT(r.details["crash_runs"].get<int>(), 20) << r.details.dump();
  std::printf("%s\n", r.details.dump().c_str());
}

// Crash points alone catch the bugs that crashes expose: replies redelivered after a crash are
// applied twice without the inbox, and a double refund shows even without faults. Producing
// before the commit and assuming a timed-out step failed are masked under crash-and-restart
// (recovery replays the same idempotency keys; no step times out), so only the sweeps with
// partitions and pauses catch those two (CaughtWithinFiftySeeds below).
TEST(SagaScenario, CrashPointsCatchKnownBugs) {
  for (SagaBug bug : {SagaBug::kNoInboxDedup, SagaBug::kRefundWithoutKey}) {
    RunResult r = run_saga_crash_points({"saga-crash-points", 1, "sim"}, bug);
    EXPECT_EQ(r.verdict, Verdict::kFail) << static_cast<int>(bug);
  }
}

class SagaBugs : public ::testing::TestWithParam<SagaBug> {};

TEST_P(SagaBugs, CaughtWithinFiftySeeds) {
  std::uint64_t caught_at = 0;
  for (std::uint64_t seed = 1; seed <= kBugSweepSeeds && caught_at == 0; ++seed) {
    if (run_saga({"saga-bug", seed, "sim"}, GetParam()).verdict == Verdict::kFail) caught_at = seed;
  }
  EXPECT_NE(caught_at, 0u) << "not caught in " << kBugSweepSeeds << " seeds";
  std::printf("caught at seed %llu\n", static_cast<unsigned long long>(caught_at));
}

INSTANTIATE_TEST_SUITE_P(Known, SagaBugs,
                         ::testing::Values(SagaBug::kNoInboxDedup, SagaBug::kPublishOutsideTxn,
                                           SagaBug::kCompensateUnchecked,
                                           SagaBug::kRefundWithoutKey),
                         [](const auto& info) {
                           switch (info.param) {
                             case SagaBug::kNoInboxDedup:
                               return std::string("NoInboxDedup");
                             case SagaBug::kPublishOutsideTxn:
                               return std::string("PublishOutsideTxn");
                             case SagaBug::kCompensateUnchecked:
                               return std::string("CompensateUnchecked");
                             default:
                               return std::string("RefundWithoutKey");
                           }
                         });

}  // namespace
}  // namespace fl::scenarios
