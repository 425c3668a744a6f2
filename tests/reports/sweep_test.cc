// Proves the sweep index: failing seeds first (fail, unknown, then pass, by seed within each),
// each row linking to its run's report.html (marked when that report does not exist yet), counts
// per result, the sweep's own summary shown, hostile text escaped, paths percent-encoded, and
// malformed sweep objects rejected with an error naming the field.
#include <gtest/gtest.h>

#include "reports/report.h"
#include "tests/reports/sample_run.h"

namespace fl::reports {
namespace {

namespace fs = std::filesystem;
using testing::count_of;
using testing::fresh_dir;
using testing::slurp;

nlohmann::json seed_entry(int seed, const std::string& result, nlohmann::json problems = {}) {
  return {{"seed", seed},
          {"result", result},
          {"dir", "runs/" + std::to_string(seed)},
          {"wall_ms", 100 + seed},
          {"problems", problems.is_null() ? nlohmann::json::array() : problems}};
}

TEST(SweepIndex, FailuresFirstWithLinks) {
  const auto dir = fresh_dir("sweep");
  fs::create_directories(dir / "runs/4");
  testing::write_sample(testing::make_sample({}), dir / "runs/4");
  ASSERT_EQ(write_run_report((dir / "runs/4").string()), "");
  nlohmann::json sweep = {
      {"scenario", "register"},
      {"mode", "sim"},
      {"seeds",
       {seed_entry(1, "pass"), seed_entry(9, "fail", {"lost write"}), seed_entry(3, "unknown"),
        seed_entry(4, "fail", {"G2-item"}), seed_entry(2, "pass")}},
      {"summary", {{"seeds_per_hour", 12000}, {"failed", 2}}}};
  ASSERT_EQ(write_sweep_index(dir.string(), sweep), "");
  const std::string html = slurp(dir / "index.html");
  std::vector<std::size_t> at;
  for (int seed : {4, 9, 3, 1, 2}) {
    at.push_back(html.find("href=\"runs/" + std::to_string(seed) + "/report.html\""));
    ASSERT_NE(at.back(), std::string::npos) << seed;
  }
  EXPECT_TRUE(std::is_sorted(at.begin(), at.end()));
  EXPECT_EQ(count_of(html, "(no report.html yet)"), 4u);  // only seed 4 has one
  EXPECT_NE(html.find("<th>fail</th><td>2</td>"), std::string::npos);
  EXPECT_NE(html.find("<th>seeds</th><td>5</td>"), std::string::npos);
  EXPECT_NE(html.find("seeds_per_hour"), std::string::npos);
  EXPECT_NE(html.find("<li>lost write</li>"), std::string::npos);
}

TEST(SweepIndex, EscapesTextAndEncodesPaths) {
  const auto dir = fresh_dir("sweep-evil");
  nlohmann::json e = seed_entry(1, "fail", {"<script>alert(1)</script>"});
  e["dir"] = "javascript:alert(1)//\"><b>";
  nlohmann::json sweep = {{"scenario", "<i>x</i>"}, {"seeds", {e}}};
  ASSERT_EQ(write_sweep_index(dir.string(), sweep), "");
  const std::string html = slurp(dir / "index.html");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<i>x"), std::string::npos);
  EXPECT_EQ(html.find("\"><b>"), std::string::npos);
  EXPECT_NE(html.find("href=\"javascript%3Aalert%281%29/"), std::string::npos);
  EXPECT_NE(html.find("%22%3E%3Cb%3E/report.html\""), std::string::npos);
}

TEST(SweepIndex, MalformedSweepsAreRejected) {
  const auto dir = fresh_dir("sweep-bad");
  EXPECT_NE(write_sweep_index(dir.string(), nlohmann::json::array()).find("JSON object"),
            std::string::npos);
  EXPECT_NE(write_sweep_index(dir.string(), {{"scenario", "x"}}).find("sweep.seeds"),
            std::string::npos);
  nlohmann::json no_dir = {{"seeds", {{{"seed", 1}, {"result", "pass"}}}}};
  EXPECT_NE(write_sweep_index(dir.string(), no_dir).find("sweep.seeds[0].dir"), std::string::npos);
  nlohmann::json bad_wall = {{"seeds", {seed_entry(1, "pass")}}};
  bad_wall["seeds"][0]["wall_ms"] = "fast";
  EXPECT_NE(write_sweep_index(dir.string(), bad_wall).find("wall_ms must be a number"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "index.html"));
  EXPECT_NE(write_sweep_index("/nonexistent/fl-sweep", {{"seeds", nlohmann::json::array()}}), "");
}

}  // namespace
}  // namespace fl::reports
