// Proves, through the `faultline` binary, that the shard proxy passes its scenario over a few
// seeds and its crash points, and that each known-bug variant of online moves is caught by a
// sweep and reduced by `faultline shrink` (the sweep exits 1 with a failing seed, and shrink
// finds a smaller reproduction). The long tests (label "long") run shard-rebalance over seeds
// 1..1000 and hold each variant to the bar over seeds 1..50.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/binary.h"

namespace {
namespace fs = std::filesystem;

using fl::test::Ran;
using fl::test::read_json;

Ran faultline(const std::string& args) { return fl::test::run_binary(FAULTLINE_BIN, args); }

class ShardScenarios : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fl::test::fresh_test_dir("fl-shard-"); }
  void TearDown() override { fs::remove_all(dir_); }

  Ran sweep(const std::string& scenario, const std::string& seeds) {
    return faultline("sweep " + scenario + " --seeds " + seeds + " --jobs 2 --out " +
                     (dir_ / scenario).string());
  }

  void caught_and_shrunk(const std::string& bug, const std::string& seeds) {
    const std::string scenario = "shard-rebalance-bug-" + bug;
    const Ran r = sweep(scenario, seeds);
    ASSERT_EQ(r.code, 1) << scenario << " must fail within seeds " << seeds << "\n" << r.output;
    const fs::path out = dir_ / scenario;
    const nlohmann::json result = read_json(out / "sweep.json");
    ASSERT_TRUE(result.is_object());
    std::string failing;
    for (const auto& s : result["seeds"]) {
      if (failing.empty() && s["result"] == "fail") failing = (out / s["dir"].get<std::string>());
    }
    ASSERT_FALSE(failing.empty());
    fl::test::expect_shrunk(FAULTLINE_BIN, failing, 10);
  }

  fs::path dir_;
};

TEST_F(ShardScenarios, RebalancePassesSeeds) {
  const Ran r = sweep("shard-rebalance", "1..6");
  EXPECT_EQ(r.code, 0) << r.output;
}

TEST_F(ShardScenarios, CrashPointsPass) {
  const Ran r =
      faultline("run shard-rebalance-crash-points --seed 1 --out " + (dir_ / "crash").string());
  EXPECT_EQ(r.code, 0) << r.output;
}

TEST_F(ShardScenarios, StaleRoutingIsCaughtAndShrunk) {
  caught_and_shrunk("stale-routing", "1..10");
}
TEST_F(ShardScenarios, CutoverBeforeCatchupIsCaughtAndShrunk) {
  caught_and_shrunk("cutover-before-catchup", "1..10");
}
TEST_F(ShardScenarios, NoSourceFenceIsCaughtAndShrunk) {
  caught_and_shrunk("no-source-fence", "1..10");
}
TEST_F(ShardScenarios, CatchupAfterSnapshotIsCaughtAndShrunk) {
  caught_and_shrunk("catchup-after-snapshot", "1..10");
}

// The bar (label "long"): each variant fails within seeds 1..50, with the median gap
// between failing seeds (the first counted from 0) at most 10.
TEST(ShardLongSweep, EveryBugFailsWithin50SeedsWithAMedianGapOfAtMost10) {
  if (std::getenv("FL_LONG_SWEEP") == nullptr) GTEST_SKIP() << "set FL_LONG_SWEEP=1";
  for (const char* bug :
       {"stale-routing", "cutover-before-catchup", "no-source-fence", "catchup-after-snapshot"}) {
    const fs::path out = fs::temp_directory_path() / ("fl-shard-bug-50-" + std::string(bug));
    fs::remove_all(out);
    const Ran r = faultline("sweep shard-rebalance-bug-" + std::string(bug) +
                            " --seeds 1..50 --jobs 2 --out " + out.string());
    EXPECT_EQ(r.code, 1) << bug;
    const nlohmann::json sweep = read_json(out / "sweep.json");
    ASSERT_TRUE(sweep.is_object()) << bug;
    std::vector<int> failing;
    for (const auto& s : sweep["seeds"]) {
      if (s["result"] == "fail") failing.push_back(s["seed"].get<int>());
    }
    std::sort(failing.begin(), failing.end());
    ASSERT_FALSE(failing.empty()) << bug;
    EXPECT_LE(fl::test::median_gap(failing), 10) << bug;
    fs::remove_all(out);
  }
}

TEST(ShardLongSweep, Rebalance1000Seeds) {
  if (std::getenv("FL_LONG_SWEEP") == nullptr) GTEST_SKIP() << "set FL_LONG_SWEEP=1";
  const fs::path out = fs::temp_directory_path() / "fl-shard-sweep-1000";
  fs::remove_all(out);
  const Ran r = faultline("sweep shard-rebalance --seeds 1..1000 --jobs 2 --out " + out.string());
  EXPECT_EQ(r.code, 0) << r.output.substr(r.output.size() > 20000 ? r.output.size() - 20000 : 0);
  fs::remove_all(out);
}

}  // namespace
