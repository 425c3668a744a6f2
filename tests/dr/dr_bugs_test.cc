// Proves, through the `faultline` binary as a user runs it, that each DR known-bug variant
// (scenarios/dr-bug-*.toml) is caught by a sweep of its first seeds and that `faultline shrink`
// reduces the failure. The long variant (label "long") sweeps seeds 1..50 of each: every variant
// must fail within 50 seeds; the median gap between failing seeds is reported.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/binary.h"

namespace {
namespace fs = std::filesystem;

using fl::test::Ran;

Ran faultline(const std::string& args) { return fl::test::run_binary(FAULTLINE_BIN, args); }

const char* const kBugs[] = {"ack-before-sync-standby", "failover-without-fencing",
                             "promote-lagging-replica", "pitr-silent-gap"};

class DrBugs : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { dir = fl::test::fresh_test_dir("fl-dr-bugs-"); }
  void TearDown() override { fs::remove_all(dir); }
  std::vector<int> sweep(const std::string& seeds, std::string* first_dir) {
    const std::string out = (dir / "sweep").string();
    const Ran r = faultline("sweep dr-bug-" + std::string(GetParam()) + " --seeds " + seeds +
                            " --jobs 2 --out " + out);
    EXPECT_EQ(r.code, 1) << "the broken system must fail within seeds " << seeds << "\n"
                         << r.output;
    return fl::test::failing_seeds(out, first_dir);
  }
  fs::path dir;
};

TEST_P(DrBugs, CaughtWithinTenSeedsAndShrunk) {
  std::string failing_dir;
  const std::vector<int> failing = sweep("1..10", &failing_dir);
  ASSERT_FALSE(failing.empty());
  fl::test::expect_shrunk(FAULTLINE_BIN, failing_dir, 12);
}

INSTANTIATE_TEST_SUITE_P(Variants, DrBugs, ::testing::ValuesIn(kBugs));

class DrBugsLong : public DrBugs {};

TEST_P(DrBugsLong, FailsWithinFiftySeeds) {
  std::string first;
  const std::vector<int> failing = sweep("1..50", &first);
  ASSERT_FALSE(failing.empty());
  RecordProperty("failing_of_50", static_cast<int>(failing.size()));
  RecordProperty("median_gap", fl::test::median_gap(failing));
  EXPECT_LE(failing.front(), 50);
}

INSTANTIATE_TEST_SUITE_P(Variants, DrBugsLong, ::testing::ValuesIn(kBugs));

}  // namespace
