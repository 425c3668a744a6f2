// Proves the event store in both modes from one scenario file, scenarios/event-store-real.toml:
// in real mode events1 and events2 are `faultline serve event-store` processes (FL_FAULTLINE
// names the binary) on a throwaway PostgreSQL 15 and the librdkafka mock cluster, killed with -9
// and restarted, events2 frozen with SIGSTOP, PostgreSQL killed with -9 and Kafka's brokers taken
// down; in simulation the same nodes on the simulated stores. Both must pass the "event-store"
// and "stream-linearizable" checks with real work done; in real mode the history must show every
// kill and restart, each service must have started more than once and none may have died by
// itself.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using harness::RunResult;
using harness::Verdict;

nlohmann::json events_stats(const RunResult& r) {
  for (const auto& c : r.checks) {
    if (c.value("name", "") == "event-store") return c["result"].value("stats", nlohmann::json());
  }
  return nullptr;
}

TEST(EventsReal, TheStoreSurvivesKillNineOfEachServiceAndOfPostgres) {
  setenv("FL_FAULTLINE", FL_FAULTLINE_PATH, /*overwrite=*/0);
  const RunResult r = run_scenario("event-store-real", 1, {}, "real");
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  for (const char* node : {"events1", "events2", "pg1", "kafka"}) {
    EXPECT_GE(nemesis_count(r, "start-kill", node), 1) << node;
    EXPECT_GE(nemesis_count(r, "stop-kill", node), 1) << node;
  }
  EXPECT_GE(nemesis_count(r, "start-pause", "events2"), 1);
  const nlohmann::json services = r.details.value("services", nlohmann::json());
  ASSERT_TRUE(services.is_object() && services.size() == 2) << r.details.dump();
  for (const auto& [name, s] : services.items()) {
    EXPECT_GE(s.value("starts", 0), 2) << name;
    EXPECT_EQ(s.value("unexpected_exits", -1), 0) << name;
  }
  const nlohmann::json stats = events_stats(r);
  EXPECT_GT(stats.value("events", 0), 50) << stats.dump();
  EXPECT_GT(stats.value("delivered", 0), 50) << stats.dump();
  EXPECT_EQ(stats.value("holes", -1), 0) << stats.dump();
}

TEST(EventsReal, TheSameFilePassesInSimulation) {
  const RunResult r = run_scenario("event-store-real", 1);
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_GT(events_stats(r).value("events", 0), 50);
}

}  // namespace
}  // namespace fl::test
