// Proves the event-store scenarios on the harness: the correct system passes seeds of
// `event-store` (kills, pauses, clock faults, partitions, slow links) with real work done (events
// appended, delivered to subscribers, time travel answered), the same seed gives the same trace
// hash, every crash point of `event-store-crash-points` passes, and each known-bug variant fails
// on a seed known to catch it, for the reason it exists (the problem the check names). Each
// projection's checkpoint is recorded as a lane for the run report. Sweeps and
// shrinks of the variants through the binary: events_bugs_test.cc.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tests/support/scenario.h"

namespace fl::test {
namespace {

using harness::RunResult;
using harness::Verdict;

nlohmann::json check_result(const RunResult& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.value("name", "") == name) return c.value("result", nlohmann::json());
  }
  return nullptr;
}

std::string problems_of(const RunResult& r) {
  return check_result(r, "event-store").value("problems", nlohmann::json::array()).dump();
}

TEST(EventsScenario, PassesSeedsWithFaults) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const RunResult r = run_scenario("event-store", seed);
    EXPECT_EQ(r.verdict, Verdict::kPass) << "seed " << seed << describe(r);
    const nlohmann::json stats = check_result(r, "event-store").value("stats", nlohmann::json());
    EXPECT_GT(stats.value("events", 0), 100) << stats.dump();
    EXPECT_GT(stats.value("delivered", 0), 100) << stats.dump();
    EXPECT_GT(stats.value("restores", 0), 20) << stats.dump();
    EXPECT_GT(stats.value("snapshots", 0), 10) << stats.dump();
    EXPECT_EQ(stats.value("holes", -1), 0) << stats.dump();
    EXPECT_EQ(check_result(r, "stream-linearizable").value("valid", false), true);
  }
}

TEST(EventsScenario, SameSeedSameTraceHash) {
  const RunResult a = run_scenario("event-store", 5), b = run_scenario("event-store", 5);
  EXPECT_FALSE(a.trace_hash.empty());
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.lanes.dump(), b.lanes.dump()) << "the checkpoint lanes are deterministic too";
  const RunResult c = run_scenario("event-store", 6);
  EXPECT_NE(a.trace_hash, c.trace_hash);
}

// The run report's lanes (compose/events/lanes.cc): each projection's checkpoint is a lane in
// group "checkpoints" (linked by its name), a bar per position it held, labelled with the
// position, the events the move covered and the node that made it, within the history's time.
TEST(EventsScenario, RecordsEachProjectionsCheckpointAsALane) {
  const RunResult r = run_scenario("event-store", 2);
  ASSERT_EQ(r.lanes["groups"].size(), 1u) << r.lanes.dump().substr(0, 500);
  const nlohmann::json& g = r.lanes["groups"][0];
  EXPECT_EQ(g["name"], "checkpoints");
  std::set<std::string> names;
  const std::int64_t t1 = r.history.ops.back().time_ns;
  static const std::regex kLabel(R"(at (\d+) \(\+(\d+), events\d\)( indeterminate)?)");
  for (const auto& lane : g["lanes"]) {
    names.insert(lane["name"].get<std::string>());
    EXPECT_EQ(lane["keys"][0], lane["name"]);
    ASSERT_GT(lane["bars"].size(), 5u) << lane.dump().substr(0, 500);
    std::int64_t last = 0;
    for (const auto& bar : lane["bars"]) {
      std::smatch m;
      const std::string label = bar["label"];
      ASSERT_TRUE(std::regex_match(label, m, kLabel)) << label;
      EXPECT_GT(std::stoll(m[2]), 0) << label;
      last = std::max<std::int64_t>(last, std::stoll(m[1]));
      EXPECT_LE(bar["from"].get<std::int64_t>(), bar["to"].get<std::int64_t>()) << bar.dump();
      EXPECT_LE(bar["to"].get<std::int64_t>(), t1) << bar.dump();
    }
    EXPECT_GT(last, 100) << "the checkpoint followed the log";
  }
  EXPECT_EQ(names, (std::set<std::string>{"publisher", "read-models"}));
  EXPECT_EQ(r.lanes["dropped"], 0);
}

TEST(EventsScenario, SimulatedClientsCallTheProductionApi) {
  const RunResult r = run_scenario("event-store", 2);
  int commands = 0;
  for (const auto& op : r.history.ops) {
    if (op.f != "command" || op.type != history::OpType::kInvoke) continue;
    ++commands;
    EXPECT_EQ(op.value.value("request", ""), "POST /api/v1/commands") << op.value.dump();
  }
  EXPECT_GT(commands, 100);
}

TEST(EventsScenario, CrashPointsExhaustively) {
  const RunResult r = run_scenario("event-store-crash-points", 1);
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_GT(r.details["crash_runs"].get<int>(), 30) << r.details.dump();
  EXPECT_EQ(r.details["crash_points"]["events1"]["durable_steps"],
            r.details["crash_points"]["events1"]["crashed_at"]);
}

struct Variant {
  const char* bug;
  std::uint64_t seed;  // a seed the variant's sweep found failing
  const char* says;    // what the check must report
};

TEST(EventsScenario, EachKnownBugFailsForItsReason) {
  const Variant variants[] = {
      {"sequence-position-reader", 1, "skipped"},
      {"snapshot-wrong-version", 1, "replay gives"},
      {"no-expected-version", 3, "balance is -"},
      {"time-travel-wall-clock", 1, "by the store's commit order it is"},
  };
  for (const auto& v : variants) {
    const RunResult r = run_scenario(std::string("event-store-bug-") + v.bug, v.seed);
    EXPECT_EQ(r.verdict, Verdict::kFail) << v.bug << describe(r);
    EXPECT_NE(problems_of(r).find(v.says), std::string::npos) << v.bug << ": " << problems_of(r);
  }
}

}  // namespace
}  // namespace fl::test
