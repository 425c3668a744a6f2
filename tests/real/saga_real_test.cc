// Proves the saga-orders workload, nemesis and checker in real mode: scenarios/saga-orders-real
// runs the orchestrator and the three participants (hosted by the workload, "embedded") on real
// PostgreSQL 15, Redis and the librdkafka mock cluster started for the run, while PostgreSQL and
// Redis are killed with -9 and restarted mid-run and Kafka's brokers go down and up. The run must
// pass: every saga ends completed or compensated and the saga-orders checker finds no violation;
// the history must show the kills and restarts of all three, and sagas completed.
#include <gtest/gtest.h>

#include "scenarios/harness_run.h"
#include "scenarios/toml_scenario.h"

namespace fl::scenarios {
namespace {

int nemesis_ops(const RunResult& r, const std::string& f, const std::string& node) {
  int n = 0;
  for (const auto& op : r.history.ops) {
    if (op.process != history::kNemesisProcess || op.f != f) continue;
    if (op.value.dump().find("\"" + node + "\"") != std::string::npos) ++n;
  }
  return n;
}

TEST(SagaReal, OrderSagasSurviveKillNineOfPostgresAndRedis) {
  RunOptions o;
  o.scenario = "saga-orders-real";
  o.seed = 1;
  o.mode = "real";
  const RunResult r = run_toml_file(find_scenario_file("saga-orders-real"), o);
  std::string why = r.usage_error;
  for (const auto& p : r.problems) why += "\n" + p;
  ASSERT_EQ(r.verdict, Verdict::kPass) << why;
  for (const char* node : {"pg1", "redis", "kafka"}) {
    EXPECT_GE(nemesis_ops(r, "start-kill", node), 1) << node;
    EXPECT_GE(nemesis_ops(r, "stop-kill", node), 1) << node;
  }
  nlohmann::json summary;
  for (const auto& op : r.history.ops) {
    if (op.f == "check" && op.type == history::OpType::kOk) summary = op.value;
  }
  ASSERT_TRUE(summary.is_object()) << "no successful final check";
  EXPECT_TRUE(summary["problems"].empty()) << summary.dump();
  EXPECT_GT(summary["sagas"].value("completed", 0), 0) << summary.dump();
}

}  // namespace
}  // namespace fl::scenarios
