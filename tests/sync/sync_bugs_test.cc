// Proves, through the `faultline` binary, that each known-bug variant of the sync system is caught
// by a sweep and reduced by `faultline shrink`: the sweep of a few seeds exits 1 with a failing
// seed (the correct system passes the same scenarios: sync_scenario_test.cc), and shrink finds a
// smaller reproduction of the same failure (a knob reduced, the same failing check) within its
// budget. Seeds are the first ones the variants' sweeps fail at (docs/known-bugs.md).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/binary.h"

namespace {
namespace fs = std::filesystem;

using fl::test::Ran;
using fl::test::read_json;

Ran faultline(const std::string& args) { return fl::test::run_binary(FAULTLINE_BIN, args); }

class SyncBugs : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fl::test::fresh_test_dir("fl-sync-bugs-"); }
  void TearDown() override { fs::remove_all(dir_); }

  void caught_and_shrunk(const std::string& bug, const std::string& seeds) {
    const std::string scenario = "sync-crdt-bug-" + bug;
    const fs::path out = dir_ / "sweep";
    const Ran r =
        faultline("sweep " + scenario + " --seeds " + seeds + " --jobs 2 --out " + out.string());
    ASSERT_EQ(r.code, 1) << scenario << " must fail within seeds " << seeds << "\n" << r.output;
    const nlohmann::json sweep = read_json(out / "sweep.json");
    ASSERT_TRUE(sweep.is_object());
    std::string failing;
    for (const auto& s : sweep["seeds"]) {
      if (failing.empty() && s["result"] == "fail") failing = (out / s["dir"].get<std::string>());
    }
    ASSERT_FALSE(failing.empty());
    const nlohmann::json first = read_json(fs::path(failing) / "results.json");
    bool sync_failed = false;
    for (const auto& c : first["checks"]) sync_failed |= c["name"] == "sync" && c["valid"] == false;
    EXPECT_TRUE(sync_failed) << "the failure must be the sync check's: " << first.dump();
    fl::test::expect_shrunk(FAULTLINE_BIN, failing, 10);
  }

  fs::path dir_;
};

TEST_F(SyncBugs, LwwWallClockIsCaughtAndShrunk) { caught_and_shrunk("lww-wall-clock", "1..4"); }
TEST_F(SyncBugs, LwwNoTiebreakIsCaughtAndShrunk) { caught_and_shrunk("lww-no-tiebreak", "1..4"); }
TEST_F(SyncBugs, OrSetRemoveByElementIsCaughtAndShrunk) {
  caught_and_shrunk("orset-remove-by-element", "1..2");
}
TEST_F(SyncBugs, VvCompareIsCaughtAndShrunk) { caught_and_shrunk("vv-compare", "1..2"); }

// The long sweep (ctest label "long"): sync-crdt over seeds 1..1000 must pass.
TEST(SyncLongSweep, SyncCrdt1000Seeds) {
  if (std::getenv("FL_LONG_SWEEP") == nullptr) GTEST_SKIP() << "set FL_LONG_SWEEP=1";
  const fs::path out = fs::temp_directory_path() / "fl-sync-sweep-1000";
  fs::remove_all(out);
  const Ran r = faultline("sweep sync-crdt --seeds 1..1000 --jobs 2 --out " + out.string());
  EXPECT_EQ(r.code, 0) << r.output.substr(r.output.size() > 20000 ? r.output.size() - 20000 : 0);
  const nlohmann::json sweep = read_json(out / "sweep.json");
  ASSERT_TRUE(sweep.is_object());
  EXPECT_EQ(sweep["summary"]["pass"], 1000) << sweep["summary"].dump();
  fs::remove_all(out);
}

}  // namespace
