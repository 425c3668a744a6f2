// Proves the saga-orders workload, nemesis and checker in real mode. In both scenarios the four
// services run as `faultline serve` child processes (FL_FAULTLINE names the binary; CMake builds
// it in) that the clients reach over HTTP with the seeds' API, on real PostgreSQL 15, Redis and
// the librdkafka mock cluster started for the run.
// 1. scenarios/saga-orders-real kills PostgreSQL and Redis with -9 and restarts them mid-run and
// takes Kafka's brokers down and up. The run must pass: every saga ends completed or compensated
// and the saga-orders checker finds no violation; the history must show the kills and restarts
// of all three, and sagas completed.
// 2. scenarios/saga-orders-real-services kills each service and PostgreSQL with -9 and restarts
// them, and freezes the payment service with SIGSTOP. The run must pass; the history must show
// every kill and restart; every service must have been started more than once, none may have died
// by itself, and no child process may be left.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using harness::RunResult;
using harness::Verdict;

TEST(SagaReal, OrderSagasSurviveKillNineOfPostgresAndRedis) {
  setenv("FL_FAULTLINE", FL_FAULTLINE_PATH, /*overwrite=*/0);
  const RunResult r = run_scenario("saga-orders-real", 1, {}, "real");
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  for (const char* node : {"pg1", "redis", "kafka"}) {
    EXPECT_GE(nemesis_count(r, "start-kill", node), 1) << node;
    EXPECT_GE(nemesis_count(r, "stop-kill", node), 1) << node;
  }
  const nlohmann::json summary = ok_value(r, "check");
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
  const RunResult r = run_scenario("saga-orders-real-services", 1, {}, "real");
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  for (const char* node : {"orchestrator", "inventory", "payment", "notification", "pg1"}) {
    EXPECT_GE(nemesis_count(r, "start-kill", node), 1) << node;
    EXPECT_GE(nemesis_count(r, "stop-kill", node), 1) << node;
  }
  EXPECT_GE(nemesis_count(r, "start-pause", "payment"), 1);
  const nlohmann::json services = r.details.value("services", nlohmann::json());
  ASSERT_TRUE(services.is_object() && services.size() == 4) << r.details.dump();
  for (const auto& [name, s] : services.items()) {
    EXPECT_GE(s.value("starts", 0), 2) << name;
    EXPECT_EQ(s.value("unexpected_exits", -1), 0) << name;
  }
  const nlohmann::json summary = ok_value(r, "check");
  ASSERT_TRUE(summary.is_object()) << "no successful final check";
  EXPECT_TRUE(summary["problems"].empty()) << summary.dump();
  EXPECT_GT(summary["sagas"].value("completed", 0), 0) << summary.dump();
  EXPECT_GT(summary["sagas"].value("compensated", 0), 0) << summary.dump();
  const std::vector<std::string> left = children();
  EXPECT_TRUE(left.empty()) << "left behind: " << (left.empty() ? "" : left.front());
}

TEST(SagaReal, KnownBugSwitchesAreRefusedInRealMode) {
  const RunResult r = run_scenario("saga-orders-real-services", 1,
                                   {"topology.system_options.bug=\"no-inbox-dedup\""}, "real");
  EXPECT_NE(r.usage_error.find("service node 'orchestrator' has no process form"),
            std::string::npos)
      << r.usage_error;
  EXPECT_NE(r.usage_error.find("system_options.bug"), std::string::npos) << r.usage_error;
}

}  // namespace
}  // namespace fl::test
