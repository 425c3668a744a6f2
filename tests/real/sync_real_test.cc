// Proves the sync system in real mode (scenarios/sync-crdt-real): the two regions run as
// `faultline serve sync` child processes (FL_FAULTLINE names the binary; CMake builds it in), each
// with its own tables in the throwaway PostgreSQL 15 and pulling the other's changes over HTTP,
// while the workload plays five devices with the device library on the harness' disk and calls
// the regions over HTTP with the seeds' API. Nemeses kill -9 each region process and PostgreSQL
// and restart them. The run must pass the sync check (every replica converged, no acknowledged
// edit lost, session guarantees, metadata bounds); the history must show the kills and restarts;
// every region must have been started more than once and none may have died by itself.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using harness::RunResult;
using harness::Verdict;

TEST(SyncReal, DevicesConvergeThroughKillNineOfRegionsAndPostgres) {
  setenv("FL_FAULTLINE", FL_FAULTLINE_PATH, /*overwrite=*/0);
  const RunResult r = run_scenario("sync-crdt-real", 1, {}, "real");
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  for (const char* node : {"sync1", "sync2", "pg1"}) {
    EXPECT_GE(nemesis_count(r, "start-kill", node), 1) << node;
    EXPECT_GE(nemesis_count(r, "stop-kill", node), 1) << node;
  }
  const nlohmann::json services = r.details.value("services", nlohmann::json());
  ASSERT_TRUE(services.is_object() && services.size() == 2) << r.details.dump();
  for (const auto& [name, s] : services.items()) {
    EXPECT_GE(s.value("starts", 0), 2) << name;
    EXPECT_EQ(s.value("unexpected_exits", -1), 0) << name;
  }
  nlohmann::json check;
  for (const auto& c : r.checks) {
    if (c.value("name", "") == "sync") check = c["result"];
  }
  ASSERT_TRUE(check.is_object()) << "no sync check";
  EXPECT_GT(check.value("edits_acknowledged", 0), 100) << check.dump();
  EXPECT_EQ(check.value("replicas", 0), 2 + 5) << check.dump();
  const nlohmann::json converge = ok_value(r, "converge");
  ASSERT_TRUE(converge.is_object()) << "no converge op";
  EXPECT_TRUE(converge.value("converged", false)) << converge.dump();
}

}  // namespace
}  // namespace fl::test
