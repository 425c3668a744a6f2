// Proves the main job's dashboard: one row per scenario with its figures read from its
// sweep.json (pass/fail/unknown, seeds/hour, peak memory, first failing seed, the known-bug
// variant's catch seeds), each linking to its sweep index; a scenario without sweep.json is a
// row saying so; every failing seed listed with its reproduce command and report link
// (unexpected ones first); build, date and machine shown; hostile text escaped; malformed
// manifests rejected with an error naming the field.
#include <gtest/gtest.h>

#include "reports/report.h"
#include "tests/reports/sample_run.h"

namespace fl::reports {
namespace {

namespace fs = std::filesystem;
using testing::count_of;
using testing::fresh_dir;
using testing::slurp;

TEST(Dashboard, OneRowPerScenarioWithItsFigures) {
  const auto dir = fresh_dir("dashboard");
  const auto manifest = testing::write_sample_main_job(dir);
  ASSERT_EQ(write_main_index(dir.string(), manifest), "");
  const std::string html = slurp(dir / "index.html");
  EXPECT_EQ(count_of(html, "<tr class=\"scenario "), 4u);
  EXPECT_EQ(count_of(html, "<tr class=\"scenario bad\""), 2u);  // flaky and broken
  EXPECT_EQ(count_of(html, "class=\"sweeplink\""), 3u);         // broken has no sweep
  EXPECT_NE(html.find("href=\"x-bug/index.html\""), std::string::npos);
  EXPECT_NE(html.find("36,000"), std::string::npos) << "seeds/hour";
  EXPECT_NE(html.find("30.0 MiB"), std::string::npos) << "peak memory of 3 seeds";
  EXPECT_NE(html.find("<td class=\"\">1 3</td>"), std::string::npos) << "catch seeds";
  EXPECT_NE(html.find("ERROR: sweep exit 3"), std::string::npos);
  EXPECT_NE(html.find("2 not as expected"), std::string::npos);
  for (const char* meta : {"abc123", "2026-12-07 20:00 UTC", "test 2 cores"}) {
    EXPECT_NE(html.find(meta), std::string::npos) << meta;
  }
}

TEST(Dashboard, FailingSeedsWithReproduceAndReportUnexpectedFirst) {
  const auto dir = fresh_dir("dashboard-failing");
  ASSERT_EQ(write_main_index(dir.string(), testing::write_sample_main_job(dir)), "");
  const std::string html = slurp(dir / "index.html");
  EXPECT_EQ(count_of(html, "class=\"reportlink\""), 3u);
  const auto flaky = html.find("href=\"flaky/2/report.html\"");
  const auto bug1 = html.find("href=\"x-bug/1/report.html\"");
  ASSERT_NE(flaky, std::string::npos);
  ASSERT_NE(bug1, std::string::npos);
  EXPECT_LT(flaky, bug1);
  EXPECT_NE(html.find("faultline run flaky --seed 2</code>"), std::string::npos);
  EXPECT_EQ(count_of(html, "<tr class=\"unexpected\">"), 1u);
  EXPECT_EQ(count_of(html, "<tr class=\"expected\">"), 2u);
}

TEST(Dashboard, EscapesHostileText) {
  const auto dir = fresh_dir("dashboard-evil");
  const std::string evil = "<script>alert(1)</script>";
  ASSERT_EQ(write_main_index(dir.string(), testing::write_sample_main_job(dir, evil)), "");
  const std::string html = slurp(dir / "index.html");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
}

TEST(Dashboard, MalformedManifestsAreRejected) {
  const auto dir = fresh_dir("dashboard-bad");
  EXPECT_NE(write_main_index(dir.string(), nlohmann::json::array()).find("JSON object"),
            std::string::npos);
  EXPECT_NE(write_main_index(dir.string(), {{"build", "x"}}).find("scenarios must be an array"),
            std::string::npos);
  nlohmann::json no_ok = {{"scenarios", {{{"name", "a"}}}}};
  EXPECT_NE(write_main_index(dir.string(), no_ok).find("scenarios[0].ok"), std::string::npos);
  nlohmann::json no_name = {{"scenarios", {{{"ok", true}}}}};
  EXPECT_NE(write_main_index(dir.string(), no_name).find("scenarios[0].name"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "index.html"));
}

}  // namespace
}  // namespace fl::reports
