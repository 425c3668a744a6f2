// Proves the saga-orders workload, nemesis and checker in real mode, in both shapes.
// 1. scenarios/saga-orders-real
// runs the orchestrator and the three participants (hosted by the workload, "embedded") on real
// PostgreSQL 15, Redis and the librdkafka mock cluster started for the run, while PostgreSQL and
// Redis are killed with -9 and restarted mid-run and Kafka's brokers go down and up. The run must
// pass: every saga ends completed or compensated and the saga-orders checker finds no violation;
// the history must show the kills and restarts of all three, and sagas completed.
// 2. scenarios/saga-orders-real-services runs the four services as `faultline serve` child
// processes (FL_FAULTLINE names the binary; CMake builds it in) that the clients reach over HTTP,
// while each service and PostgreSQL is killed with -9 and restarted and the payment service is
// frozen with SIGSTOP. The run must pass; the history must show every kill and restart; every
// service must have been started more than once, none may have died by itself, and no child process
// may be left.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

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

// Live child processes of this process (zombies included: they would be unreaped children).
std::vector<std::string> children() {
  std::vector<std::string> out;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return out;
  const std::string me = std::to_string(getpid());
  for (dirent* e = readdir(dir); e != nullptr; e = readdir(dir)) {
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!in || !std::getline(in, line)) continue;
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    std::string state, ppid;
    rest >> state >> ppid;
    if (ppid == me) out.push_back(line.substr(0, close + 1) + " " + state);
  }
  closedir(dir);
  return out;
}

TEST(SagaReal, OrderSagasSurviveKillNineOfEachServiceProcess) {
  setenv("FL_FAULTLINE", FL_FAULTLINE_PATH, /*overwrite=*/0);
  RunOptions o;
  o.scenario = "saga-orders-real-services";
  o.seed = 1;
  o.mode = "real";
  const RunResult r = run_toml_file(find_scenario_file("saga-orders-real-services"), o);
  std::string why = r.usage_error;
  for (const auto& p : r.problems) why += "\n" + p;
  ASSERT_EQ(r.verdict, Verdict::kPass) << why;
  for (const char* node : {"orchestrator", "inventory", "payment", "notification", "pg1"}) {
    EXPECT_GE(nemesis_ops(r, "start-kill", node), 1) << node;
    EXPECT_GE(nemesis_ops(r, "stop-kill", node), 1) << node;
  }
  EXPECT_GE(nemesis_ops(r, "start-pause", "payment"), 1);
  const nlohmann::json services = r.details.value("services", nlohmann::json());
  ASSERT_TRUE(services.is_object() && services.size() == 4) << r.details.dump();
  for (const auto& [name, s] : services.items()) {
    EXPECT_GE(s.value("starts", 0), 2) << name;
    EXPECT_EQ(s.value("unexpected_exits", -1), 0) << name;
  }
  nlohmann::json summary;
  for (const auto& op : r.history.ops) {
    if (op.f == "check" && op.type == history::OpType::kOk) summary = op.value;
  }
  ASSERT_TRUE(summary.is_object()) << "no successful final check";
  EXPECT_TRUE(summary["problems"].empty()) << summary.dump();
  EXPECT_GT(summary["sagas"].value("completed", 0), 0) << summary.dump();
  EXPECT_GT(summary["sagas"].value("compensated", 0), 0) << summary.dump();
  const std::vector<std::string> left = children();
  EXPECT_TRUE(left.empty()) << "left behind: " << (left.empty() ? "" : left.front());
}

TEST(SagaReal, KnownBugSwitchesAreRefusedInRealMode) {
  RunOptions o;
  o.scenario = "saga-orders-real-services";
  o.seed = 1;
  o.mode = "real";
  o.overrides = {"topology.system_options.bug=\"no-inbox-dedup\""};
  const RunResult r = run_toml_file(find_scenario_file("saga-orders-real-services"), o);
  EXPECT_NE(r.usage_error.find("service node 'orchestrator' has no process form"),
            std::string::npos)
      << r.usage_error;
  EXPECT_NE(r.usage_error.find("system_options.bug"), std::string::npos) << r.usage_error;
}

}  // namespace
}  // namespace fl::scenarios
