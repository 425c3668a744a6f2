// Proves that a generated report renders in a real browser: headless Chromium (Debian's
// `chromium`) loads report.html from disk with networking features off, runs its inline script,
// and the dumped DOM holds the timeline lanes, nemesis bands, heal line, both plots and the
// anomaly list, with every anomaly link resolved to an element (the page's script marks each
// link "resolved" or "broken"); opening the page at #op-N selects that bar. A hostile value must
// not create any element. The shrink diff page renders the same way, its script runs, and the
// run's report links to it. Chromium missing is a failure with instructions, never a skip.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <regex>

#include "reports/report.h"
#include "tests/reports/sample_run.h"

namespace fl::reports {
namespace {

testing::SampleOptions with_lanes() {
  testing::SampleOptions o;
  o.with_lanes = true;
  return o;
}

namespace fs = std::filesystem;
using testing::count_of;
using testing::fresh_dir;

constexpr int kBrowserTimeoutS = 120;
constexpr std::size_t kMaxDomBytes = 64u << 20;

std::string chromium_path() {
  if (const char* env = std::getenv("FL_CHROMIUM"); env != nullptr && *env) return env;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(p)) return p;
  }
  return "";
}

// Loads url in headless Chromium and returns the DOM after scripts ran ("" on failure).
std::string dump_dom(const std::string& chromium, const std::string& url, const fs::path& tmp) {
  const fs::path profile = tmp / "profile";
  fs::remove_all(profile);
  fs::create_directories(profile);
  const std::string cmd = "timeout " + std::to_string(kBrowserTimeoutS) + " '" + chromium +
                          "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                          "--disable-background-networking --disable-component-update "
                          "--disable-sync --user-data-dir='" +
                          profile.string() + "' --dump-dom '" + url + "' 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string dom;
  char buf[65536];
  for (std::size_t n;
       (n = std::fread(buf, 1, sizeof buf, pipe)) > 0 && dom.size() < kMaxDomBytes;) {
    dom.append(buf, n);
  }
  const int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << "chromium exited with status " << status << ": " << cmd;
  return dom;
}

class Browser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = chromium_path();
    ASSERT_FALSE(chromium_.empty())
        << "headless Chromium not found: install Debian's `chromium` package "
           "(apt-get install -y chromium) or set FL_CHROMIUM to its path; this test does not skip";
  }
  std::string chromium_;
};

TEST_F(Browser, RendersTimelinePlotsAndResolvedAnomalyLinks) {
  const auto sample = testing::make_sample({});
  const auto dir = fresh_dir("browser");
  testing::write_sample(sample, dir / "run");
  ASSERT_EQ(write_run_report((dir / "run").string()), "");
  const std::string dom = dump_dom(chromium_, "file://" + (dir / "run/report.html").string(), dir);
  ASSERT_FALSE(dom.empty());
  EXPECT_NE(dom.find("data-script=\"ready\""), std::string::npos)
      << "the inline script did not run";
  EXPECT_EQ(count_of(dom, "<rect class=\"lane"), sample.processes);
  EXPECT_EQ(count_of(dom, "<g class=\"nem\""), sample.nemesis_intervals);
  EXPECT_EQ(count_of(dom, "<g class=\"heal\""), 1u);
  EXPECT_EQ(count_of(dom, "<svg class=\"plot latency\""), 1u);
  EXPECT_EQ(count_of(dom, "<svg class=\"plot throughput\""), 1u);
  EXPECT_GT(count_of(dom, "<circle class=\"pt"), 100u);
  EXPECT_EQ(count_of(dom, "class=\"anomaly\""), 2u);
  EXPECT_EQ(count_of(dom, "class=\"oplink resolved\""), 3u);
  EXPECT_EQ(count_of(dom, "oplink broken"), 0u);
  EXPECT_EQ(count_of(dom, "<div class=\"nemesis\">"), 2u) << "drawn faults, one per nemesis";
  EXPECT_GE(count_of(dom, "<table class=\"jt "), 6u);
}

TEST_F(Browser, OpeningAnOpAnchorSelectsItsBar) {
  const auto sample = testing::make_sample({});
  const auto dir = fresh_dir("browser-anchor");
  testing::write_sample(sample, dir / "run");
  ASSERT_EQ(write_run_report((dir / "run").string()), "");
  const std::string id = "op-" + std::to_string(sample.anomaly_ops[0]);
  const std::string dom =
      dump_dom(chromium_, "file://" + (dir / "run/report.html").string() + "#" + id, dir);
  const std::regex selected("<rect id=\"" + id + "\" class=\"[^\"]*\\bsel\\b");
  EXPECT_TRUE(std::regex_search(dom, selected)) << id << " not selected";
  EXPECT_EQ(count_of(dom, " sel\""), 1u);
}

TEST_F(Browser, HostileValuesCreateNoElements) {
  const std::string evil = "</title></rect><script>document.title='pwned'</script><img src=x>";
  const auto dir = fresh_dir("browser-hostile");
  testing::write_sample(testing::make_sample({.hostile_value = evil}), dir / "run");
  ASSERT_EQ(write_run_report((dir / "run").string()), "");
  const std::string dom = dump_dom(chromium_, "file://" + (dir / "run/report.html").string(), dir);
  ASSERT_FALSE(dom.empty());
  EXPECT_EQ(count_of(dom, "<script"), 1u);
  EXPECT_EQ(count_of(dom, "<img"), 0u);
  EXPECT_EQ(dom.find("pwned</title>"), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;document.title"), std::string::npos);
}

TEST_F(Browser, SweepIndexLinksRender) {
  const auto dir = fresh_dir("browser-sweep");
  nlohmann::json sweep = {{"scenario", "register"},
                          {"mode", "sim"},
                          {"seeds",
                           {{{"seed", 2}, {"result", "pass"}, {"dir", "runs/2"}},
                            {{"seed", 5}, {"result", "fail"}, {"dir", "runs/5"}}}}};
  ASSERT_EQ(write_sweep_index(dir.string(), sweep), "");
  const std::string dom = dump_dom(chromium_, "file://" + (dir / "index.html").string(), dir);
  EXPECT_EQ(count_of(dom, "class=\"runlink\""), 2u);
  EXPECT_LT(dom.find("runs/5/report.html"), dom.find("runs/2/report.html"));
}

TEST_F(Browser, MainJobDashboardRenders) {
  const auto dir = fresh_dir("browser-dashboard");
  ASSERT_EQ(write_main_index(dir.string(), testing::write_sample_main_job(dir)), "");
  const std::string dom = dump_dom(chromium_, "file://" + (dir / "index.html").string(), dir);
  ASSERT_FALSE(dom.empty());
  EXPECT_EQ(count_of(dom, "<tr class=\"scenario "), 4u);
  EXPECT_EQ(count_of(dom, "class=\"sweeplink\""), 3u);
  EXPECT_EQ(count_of(dom, "class=\"reportlink\""), 3u);
  EXPECT_NE(dom.find("id=\"build\""), std::string::npos);
  EXPECT_NE(dom.find("faultline run flaky --seed 2"), std::string::npos);
}

TEST_F(Browser, SystemLanesRenderWithTheProblemLinkResolved) {
  const auto dir = fresh_dir("browser-lanes");
  testing::write_sample(testing::make_sample(with_lanes()), dir / "run");
  ASSERT_EQ(write_run_report((dir / "run").string()), "");
  const std::string dom = dump_dom(chromium_, "file://" + (dir / "run/report.html").string(), dir);
  ASSERT_FALSE(dom.empty());
  EXPECT_NE(dom.find("data-script=\"ready\""), std::string::npos) << "no script error";
  EXPECT_EQ(count_of(dom, "<g class=\"slane"), testing::kSampleLanes);
  EXPECT_EQ(count_of(dom, "<rect class=\"sbar "), 7u);
  static const std::regex kLink(R"re(class="lanelink" id="lanelabel-1" href="#(problem-\d+)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, kLink));
  EXPECT_NE(dom.find("<li id=\"" + m[1].str() + "\">"), std::string::npos) << "link resolves";
}

TEST_F(Browser, ShrinkPageRendersBothRunsAndItsLinks) {
  const auto dir = fresh_dir("browser-shrink");
  testing::write_sample_shrink(dir);
  ASSERT_EQ(write_shrink_page(dir.string()), "");
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string dom = dump_dom(chromium_, "file://" + (dir / "shrink.html").string(), dir);
  ASSERT_FALSE(dom.empty());
  EXPECT_NE(dom.find("data-script=\"ready\""), std::string::npos) << "no script error";
  EXPECT_EQ(count_of(dom, "id=\"diff-table\""), 1u);
  EXPECT_GE(count_of(dom, "<tr class=\"changed\">"), 4u);
  EXPECT_EQ(count_of(dom, "<svg class=\"plot overview\""), 1u);
  EXPECT_EQ(count_of(dom, "<rect class=\"fault\""), 7u);
  EXPECT_EQ(count_of(dom, "id=\"checks-diff\""), 1u);
  EXPECT_EQ(count_of(dom, "id=\"steps-table\""), 1u);
  EXPECT_NE(dom.find("href=\"shrink/3/report.html\""), std::string::npos);
  const std::string report = dump_dom(chromium_, "file://" + (dir / "report.html").string(), dir);
  EXPECT_NE(report.find("id=\"shrinklink\" href=\"shrink.html\""), std::string::npos);
}

}  // namespace
}  // namespace fl::reports
