// Proves, through the `faultline` binary as a user runs it, that each event-store known-bug
// variant (scenarios/event-store-bug-*.toml) is caught by a sweep of its first seeds and that
// `faultline shrink` reduces the failure (a smaller reproduction that still fails, within its
// run budget). The long variant (label "long") sweeps seeds 1..50 of each and checks the issue's
// bar: every variant fails within 50 seeds, with the median gap between failing seeds <= 10.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/binary.h"

namespace {
namespace fs = std::filesystem;

using fl::test::Ran;

Ran faultline(const std::string& args) { return fl::test::run_binary(FAULTLINE_BIN, args); }

const char* const kBugs[] = {"sequence-position-reader", "snapshot-wrong-version",
                             "no-expected-version", "time-travel-wall-clock"};

class EventsBugs : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { dir = fl::test::fresh_test_dir("fl-events-bugs-"); }
  void TearDown() override { fs::remove_all(dir); }
  // The failing seeds of a sweep of `seeds`, and the out-dir of the first.
  std::vector<int> sweep(const std::string& seeds, std::string* first_dir) {
    const std::string out = (dir / "sweep").string();
    const Ran r = faultline("sweep event-store-bug-" + std::string(GetParam()) + " --seeds " +
                            seeds + " --jobs 2 --out " + out);
    EXPECT_EQ(r.code, 1) << "the broken system must fail within seeds " << seeds << "\n"
                         << r.output;
    return fl::test::failing_seeds(out, first_dir);
  }
  fs::path dir;
};

TEST_P(EventsBugs, CaughtWithinTenSeedsAndShrunk) {
  std::string failing_dir;
  const std::vector<int> failing = sweep("1..10", &failing_dir);
  ASSERT_FALSE(failing.empty());
  fl::test::expect_shrunk(FAULTLINE_BIN, failing_dir, 12);
}

INSTANTIATE_TEST_SUITE_P(Variants, EventsBugs, ::testing::ValuesIn(kBugs));

class EventsBugsLong : public EventsBugs {};

TEST_P(EventsBugsLong, FailsWithinFiftySeedsWithAMedianGapOfAtMostTen) {
  std::string first;
  const std::vector<int> failing = sweep("1..50", &first);
  ASSERT_FALSE(failing.empty());
  EXPECT_LE(fl::test::median_gap(failing), 10)
      << GetParam() << ": " << failing.size() << " of 50 fail";
}

INSTANTIATE_TEST_SUITE_P(Variants, EventsBugsLong, ::testing::ValuesIn(kBugs));

}  // namespace
