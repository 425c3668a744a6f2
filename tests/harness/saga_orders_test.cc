// Proves the saga registered as a harness system and the saga-orders workload in simulation:
// scenarios/saga-orders.toml (orchestrator and participants as service nodes under partitions,
// kill -9, pauses and clock skew) passes the saga-orders checker for several seeds, its history
// shows faults on the service nodes themselves, the same seed gives the same trace hash, the
// real-mode scenario's file passes in simulation too, and bad system and workload options are
// refused with a message naming the key.
#include <gtest/gtest.h>

#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using harness::RunResult;
using harness::Verdict;

TEST(SagaOrders, ServiceNodesPassUnderFaultsForSeveralSeeds) {
  bool service_killed = false;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const RunResult r = run_scenario("saga-orders", seed);
    ASSERT_EQ(r.verdict, Verdict::kPass) << "seed " << seed << describe(r);
    const nlohmann::json v = ok_value(r, "check");
    ASSERT_TRUE(v.is_object()) << "seed " << seed << ": no successful final check";
    EXPECT_TRUE(v["problems"].empty());
    EXPECT_GT(v["orders"].get<int>(), 50) << v.dump();
    EXPECT_GT(v["sagas"].value("completed", 0), 0) << v.dump();
    for (const char* node : {"orchestrator", "inventory", "payment", "notification"}) {
      service_killed = service_killed || nemesis_names(r, "start-kill", node);
    }
  }
  EXPECT_TRUE(service_killed) << "no service node was killed in seeds 1..4";
}

TEST(SagaOrders, SameSeedSameTraceHash) {
  const RunResult a = run_scenario("saga-orders", 7);
  const RunResult b = run_scenario("saga-orders", 7);
  const RunResult c = run_scenario("saga-orders", 8);
  ASSERT_EQ(a.verdict, Verdict::kPass) << describe(a);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_NE(a.trace_hash, c.trace_hash);
}

TEST(SagaOrders, RealScenarioFilePassesInSimulation) {
  const RunResult r = run_scenario("saga-orders-real", 2);
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_TRUE(nemesis_names(r, "start-kill", "pg1"));
  EXPECT_TRUE(nemesis_names(r, "start-kill", "redis"));
  EXPECT_TRUE(ok_value(r, "check").is_object());
}

TEST(SagaOrders, BadOptionsAreRefusedNamingTheKey) {
  const RunResult limit = run_scenario("saga-orders", 1, {"workload[0].op_limit=0"});
  EXPECT_NE(limit.usage_error.find("op_limit"), std::string::npos) << limit.usage_error;
  const RunResult shape = run_scenario("saga-orders", 1, {"topology.system_options.shape=x"});
  EXPECT_NE(shape.usage_error.find("shape: unknown option"), std::string::npos)
      << shape.usage_error;
  const RunResult range =
      run_scenario("saga-orders", 1, {"topology.system_options.step_timeout_ms=10"});
  EXPECT_NE(range.usage_error.find("system_options: step_timeout_ms: expected an integer in 50.."),
            std::string::npos)
      << range.usage_error;
  const RunResult bug = run_scenario("saga-orders", 1, {"topology.system_options.bug=typo"});
  EXPECT_NE(bug.usage_error.find("bug: expected one of"), std::string::npos) << bug.usage_error;
  const RunResult order = run_scenario("saga-crash-points", 1, {"workload[0].orders[0].sku=9"});
  EXPECT_NE(order.usage_error.find("orders[0]: option 'sku': expected an integer in [0, 1]"),
            std::string::npos)
      << order.usage_error;
  const RunResult real =
      run_scenario("saga-orders-bug-no-inbox-dedup", 1, {"modes=[\"real\"]"}, "real");
  EXPECT_NE(real.usage_error.find("no process form"), std::string::npos) << real.usage_error;
}

// Tuned step timing reaches the orchestrator (the run differs from the default one) and changes
// how sagas run, never what they must satisfy.
TEST(SagaOrders, TunedStepTimingStillPasses) {
  const RunResult plain = run_scenario("saga-orders", 3);
  const RunResult r = run_scenario("saga-orders", 3,
                                   {"topology.system_options.step_timeout_ms=200",
                                    "topology.system_options.forward_attempts=4"});
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_TRUE(ok_value(r, "check").is_object());
  EXPECT_NE(r.trace_hash, plain.trace_hash);
}

}  // namespace
}  // namespace fl::test
