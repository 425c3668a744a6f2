// Proves the saga registered as a harness system and the saga-orders workload in simulation:
// scenarios/saga-orders.toml (orchestrator and participants as service nodes under partitions,
// kill -9, pauses and clock skew) passes the saga-orders checker for several seeds, its history
// shows faults on the service nodes themselves, the same seed gives the same trace hash, and
// the embedded shape (the workload hosts the services: what real mode runs) passes too. Bad
// system and workload options are refused with a message naming the key.
#include <gtest/gtest.h>

#include "scenarios/harness_run.h"
#include "scenarios/toml_scenario.h"

namespace fl::scenarios {
namespace {

RunResult run_named(const std::string& name, std::uint64_t seed,
                    std::vector<std::string> sets = {}) {
  RunOptions o;
  o.scenario = name;
  o.seed = seed;
  o.overrides = std::move(sets);
  return run_toml_file(find_scenario_file(name), o);
}

std::string describe(const RunResult& r) {
  std::string out = r.usage_error;
  for (const auto& p : r.problems) out += "\n" + p;
  return out;
}

// The value of the final "check" op (the saga-orders checker's summary), or null.
nlohmann::json check_value(const RunResult& r) {
  for (const auto& op : r.history.ops) {
    if (op.f == "check" && op.type == history::OpType::kOk) return op.value;
  }
  return nullptr;
}

bool fault_on(const RunResult& r, const std::string& f, const std::string& node) {
  for (const auto& op : r.history.ops) {
    if (op.process != history::kNemesisProcess || op.f != f) continue;
    if (op.value.dump().find("\"" + node + "\"") != std::string::npos) return true;
  }
  return false;
}

TEST(SagaOrders, ServiceNodesPassUnderFaultsForSeveralSeeds) {
  bool service_killed = false;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const RunResult r = run_named("saga-orders", seed);
    ASSERT_EQ(r.verdict, Verdict::kPass) << "seed " << seed << describe(r);
    const nlohmann::json v = check_value(r);
    ASSERT_TRUE(v.is_object()) << "seed " << seed << ": no successful final check";
    EXPECT_TRUE(v["problems"].empty());
    EXPECT_GT(v["orders"].get<int>(), 50) << v.dump();
    EXPECT_GT(v["sagas"].value("completed", 0), 0) << v.dump();
    for (const char* node : {"orchestrator", "inventory", "payment", "notification"}) {
      service_killed = service_killed || fault_on(r, "start-kill", node);
    }
  }
  EXPECT_TRUE(service_killed) << "no service node was killed in seeds 1..4";
}

TEST(SagaOrders, SameSeedSameTraceHash) {
  const RunResult a = run_named("saga-orders", 7);
  const RunResult b = run_named("saga-orders", 7);
  const RunResult c = run_named("saga-orders", 8);
  ASSERT_EQ(a.verdict, Verdict::kPass) << describe(a);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_NE(a.trace_hash, c.trace_hash);
}

TEST(SagaOrders, EmbeddedShapePassesInSimulation) {
  const RunResult r = run_named("saga-orders-real", 2);
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_TRUE(fault_on(r, "start-kill", "pg1"));
  EXPECT_TRUE(fault_on(r, "start-kill", "redis"));
  EXPECT_TRUE(check_value(r).is_object());
}

TEST(SagaOrders, BadOptionsAreRefusedNamingTheKey) {
  const RunResult limit = run_named("saga-orders", 1, {"workload[0].op_limit=0"});
  EXPECT_NE(limit.usage_error.find("op_limit"), std::string::npos) << limit.usage_error;
  const RunResult few = run_named("saga-orders-real", 1, {"workload[0].concurrency=2"});
  EXPECT_NE(few.usage_error.find("concurrency"), std::string::npos) << few.usage_error;
  const RunResult shape = run_named("saga-orders", 1, {"topology.system_options.shape=\"x\""});
  EXPECT_NE(shape.usage_error.find("shape"), std::string::npos) << shape.usage_error;
  // Step timing: on the system for service nodes, on the workload for embedded hosts.
  const RunResult range =
      run_named("saga-orders", 1, {"topology.system_options.step_timeout_ms=10"});
  EXPECT_NE(range.usage_error.find("system_options.step_timeout_ms: expected an integer in 50.."),
            std::string::npos)
      << range.usage_error;
  const RunResult where =
      run_named("saga-orders-real", 1, {"topology.system_options.forward_attempts=5"});
  EXPECT_NE(where.usage_error.find("set its step_timeout_ms, forward_attempts instead"),
            std::string::npos)
      << where.usage_error;
  const RunResult nodes = run_named("saga-orders", 1, {"workload[0].forward_attempts=5"});
  EXPECT_NE(nodes.usage_error.find("only with services = \"embedded\""), std::string::npos)
      << nodes.usage_error;
}

// Tuned step timing reaches the orchestrators (the run differs from the default one) and
// changes how sagas run, never what they must satisfy.
TEST(SagaOrders, TunedStepTimingStillPasses) {
  const RunResult plain = run_named("saga-orders", 3);
  const RunResult r = run_named("saga-orders", 3,
                                {"topology.system_options.step_timeout_ms=200",
                                 "topology.system_options.forward_attempts=4"});
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_TRUE(check_value(r).is_object());
  EXPECT_NE(r.trace_hash, plain.trace_hash);
}

}  // namespace
}  // namespace fl::scenarios
