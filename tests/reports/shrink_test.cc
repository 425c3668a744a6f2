// Proves the shrink diff page (shrink.html) on a generated shrunk run (sample_shrink.cc): the
// original and the smallest reproduction side by side with the rows that differ marked
// (duration, clients, operations, faults) and the failure they share unmarked (verdict, failing
// check, anomaly class); the knobs shrink changed listed before the one it did not; both runs'
// faults and operations, each check in both, the search's steps; links to both runs' reports.
// The run's report.html, its sweep's index and the main job's dashboard link to shrink.html once
// it exists. A run never shrunk, a malformed shrink.json and a run_subdir leaving the run
// directory are clear errors; hostile text is escaped.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "reports/report.h"
#include "tests/reports/sample_run.h"

namespace fl::reports {
namespace {

namespace fs = std::filesystem;
using testing::count_of;
using testing::fresh_dir;
using testing::slurp;

// The diff table's row `what`: its class and its two cells.
struct DiffRow {
  std::string cls, original, smallest;
};
DiffRow diff_row(const std::string& html, const std::string& what) {
  const std::regex re("<tr class=\"(\\w+)\"><th>" + what +
                      "</th><td>([^<]*)</td><td>([^<]*)</td></tr>");
  std::smatch m;
  if (!std::regex_search(html, m, re)) return {"(missing)", "", ""};
  return {m[1], m[2], m[3]};
}

TEST(ShrinkPage, SetsTheOriginalBesideTheSmallest) {
  const auto dir = fresh_dir("shrink");
  testing::write_sample_shrink(dir);
  ASSERT_EQ(write_shrink_page(dir.string()), "");
  const std::string html = slurp(dir / "shrink.html");
  EXPECT_NE(html.find("register-sample \xC2\xB7 seed 7 \xC2\xB7 shrunk"), std::string::npos);
  EXPECT_NE(html.find("--set workload.0.op_limit=60</code>"), std::string::npos) << "command";
  const DiffRow verdict = diff_row(html, "verdict");
  EXPECT_EQ(verdict.cls, "same");
  EXPECT_EQ(verdict.original, "fail");
  EXPECT_EQ(diff_row(html, "failing checks").cls, "same");
  EXPECT_EQ(diff_row(html, "failing checks").smallest, "elle-rw-register");
  EXPECT_NE(diff_row(html, "anomaly classes").original.find("elle-rw-register: G2-item"),
            std::string::npos);
  const DiffRow clients = diff_row(html, "clients \\(processes\\)");
  EXPECT_EQ(clients.cls, "changed");
  EXPECT_LT(std::stoi(clients.smallest), std::stoi(clients.original));
  const DiffRow ops = diff_row(html, "client operations");
  EXPECT_EQ(ops.cls, "changed");
  EXPECT_EQ(ops.original.substr(0, 4), "400 ");
  EXPECT_EQ(ops.smallest.substr(0, 3), "60 ");
  EXPECT_EQ(diff_row(html, "duration").cls, "changed");
  const DiffRow faults = diff_row(html, "faults \\(nemesis intervals\\)");
  EXPECT_EQ(faults.cls, "changed");
  EXPECT_NE(faults.original.find("kill \xC3\x97"
                                 "1"),
            std::string::npos)
      << faults.original;
  EXPECT_EQ(faults.smallest.find("kill"), std::string::npos) << faults.smallest;
  EXPECT_EQ(diff_row(html, "keys named").original, "3") << "[key, value] pairs over keys 0..2";
}

TEST(ShrinkPage, KnobsChecksFaultsAndStepsAreThere) {
  const auto dir = fresh_dir("shrink-sections");
  testing::write_sample_shrink(dir);
  ASSERT_EQ(write_shrink_page(dir.string()), "");
  const std::string html = slurp(dir / "shrink.html");
  const auto changed = html.find("<th>workload.0.op_limit</th><td>400</td><td>60</td>");
  const auto same = html.find("<tr class=\"same\"><th>nemesis.0.max_faults</th>");
  ASSERT_NE(changed, std::string::npos);
  ASSERT_NE(same, std::string::npos);
  EXPECT_LT(changed, same) << "changed knobs first";
  EXPECT_NE(html.find("<tr class=\"failing\"><th>elle-rw-register</th><td>false: G-single "
                      "\xC3\x97"
                      "1, G2-item \xC3\x97"
                      "1</td>"),
            std::string::npos);
  EXPECT_EQ(count_of(html, "<svg class=\"plot overview\""), 1u);
  EXPECT_EQ(count_of(html, "<rect class=\"fault\""), 4u + 3u) << "both runs' intervals";
  EXPECT_EQ(count_of(html, "<table class=\"faults\">"), 2u);
  EXPECT_EQ(count_of(html, "<tr class=\"kept\">"), 2u);
  EXPECT_EQ(count_of(html, "<tr class=\"dropped\">"), 1u);
  EXPECT_NE(html.find("id=\"origlink\" href=\"report.html\""), std::string::npos);
  EXPECT_NE(html.find("id=\"smalllink\" href=\"shrink/3/report.html\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"nothing-smaller\""), std::string::npos);
}

TEST(ShrinkPage, OlderShrinkJsonFindsTheSmallestRunByItsPath) {
  const auto dir = fresh_dir("shrink-old");
  nlohmann::json shrink = testing::write_sample_shrink(dir);
  shrink.erase("run_subdir");
  shrink["run_dir"] = "elsewhere/now/shrink/3";  // written relative to another directory
  std::ofstream(dir / "shrink.json") << shrink.dump();
  ASSERT_EQ(write_shrink_page(dir.string()), "");
  EXPECT_NE(slurp(dir / "shrink.html").find("href=\"shrink/3/report.html\""), std::string::npos);
  shrink["run_dir"] = dir.string();  // the original was the smallest
  std::ofstream(dir / "shrink.json") << shrink.dump();
  ASSERT_EQ(write_shrink_page(dir.string()), "");
  EXPECT_NE(slurp(dir / "shrink.html").find("id=\"nothing-smaller\""), std::string::npos);
}

TEST(ShrinkPage, BadInputIsAClearError) {
  const auto dir = fresh_dir("shrink-bad");
  testing::write_sample(testing::make_sample({}), dir);
  EXPECT_NE(write_shrink_page(dir.string()).find("shrink.json: not found (no shrink of this run"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "shrink.html"));
  std::ofstream(dir / "shrink.json") << "{\"knobs\": 3}";
  EXPECT_NE(write_shrink_page(dir.string()).find("not a shrink.json"), std::string::npos);
  nlohmann::json shrink = testing::write_sample_shrink(dir);
  shrink["run_subdir"] = "../../etc";
  std::ofstream(dir / "shrink.json") << shrink.dump();
  EXPECT_NE(write_shrink_page(dir.string()).find("must be a relative path inside"),
            std::string::npos);
  shrink["run_subdir"] = "shrink/9";  // no such run
  std::ofstream(dir / "shrink.json") << shrink.dump();
  EXPECT_NE(write_shrink_page(dir.string()).find("shrink/9: not a directory"), std::string::npos);
  EXPECT_NE(write_shrink_page((dir / "nope").string()).find("not a directory"), std::string::npos);
}

TEST(ShrinkPage, HostileTextIsEscaped) {
  const auto dir = fresh_dir("shrink-hostile");
  testing::write_sample_shrink(dir, "<script>alert(1)</script>");
  ASSERT_EQ(write_shrink_page(dir.string()), "");
  const std::string html = slurp(dir / "shrink.html");
  EXPECT_EQ(count_of(html, "<script"), 1u) << "only the page's own script";
  EXPECT_NE(html.find("&lt;script&gt;alert(1)"), std::string::npos);
}

TEST(ShrinkPage, TheRunsReportTheSweepIndexAndTheDashboardLinkToIt) {
  const auto dir = fresh_dir("shrink-links");
  testing::write_sample_shrink(dir / "5");
  ASSERT_EQ(write_run_report((dir / "5").string()), "");
  EXPECT_EQ(slurp(dir / "5/report.html").find("shrinklink"), std::string::npos) << "not yet";
  ASSERT_EQ(write_shrink_page((dir / "5").string()), "");
  ASSERT_EQ(write_run_report((dir / "5").string()), "");
  EXPECT_NE(slurp(dir / "5/report.html").find("id=\"shrinklink\" href=\"shrink.html\""),
            std::string::npos);
  const nlohmann::json sweep = {{"scenario", "register-sample"},
                                {"seeds",
                                 {{{"seed", 4}, {"result", "pass"}, {"dir", "4"}},
                                  {{"seed", 5}, {"result", "fail"}, {"dir", "5"}}}}};
  ASSERT_EQ(write_sweep_index(dir.string(), sweep), "");
  const std::string index = slurp(dir / "index.html");
  EXPECT_EQ(count_of(index, "class=\"shrinklink\""), 1u);
  EXPECT_NE(index.find("href=\"5/shrink.html\""), std::string::npos);
  const auto job = fresh_dir("shrink-dashboard");
  const auto manifest = testing::write_sample_main_job(job);
  fs::create_directories(job / "flaky/2");
  std::ofstream(job / "flaky/2/shrink.html") << "<!DOCTYPE html>";
  ASSERT_EQ(write_main_index(job.string(), manifest), "");
  const std::string dash = slurp(job / "index.html");
  EXPECT_EQ(count_of(dash, "class=\"shrinklink\""), 1u);
  EXPECT_NE(dash.find("href=\"flaky/2/shrink.html\""), std::string::npos);
}

}  // namespace
}  // namespace fl::reports
