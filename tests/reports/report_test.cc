// Proves that a run report holds what a reader needs: the header fields, one timeline lane per
// process, a bar with an id per operation, nemesis bands and heal lines, both plots, every
// anomaly with links whose targets exist, escaping of hostile values, and byte-for-byte
// deterministic output. Builds realistic run directories (tests/reports/sample_run.h), renders
// them with write_run_report and inspects the HTML text.
#include "reports/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "tests/reports/sample_run.h"

namespace fl::reports {
namespace {

testing::SampleOptions with_lanes() {
  testing::SampleOptions o;
  o.with_lanes = true;
  return o;
}

using testing::count_of;
using testing::fresh_dir;
using testing::make_sample;
using testing::slurp;

std::set<std::string> ids_in(const std::string& html) {
  std::set<std::string> ids;
  static const std::regex kId(R"re(\sid="([^"]+)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kId); it != std::sregex_iterator();
       ++it) {
    ids.insert((*it)[1]);
  }
  return ids;
}

TEST(RunReport, HasHeaderTimelinePlotsAndLinkedAnomalies) {
  const auto sample = make_sample({});
  ASSERT_EQ(sample.anomaly_ops.size(), 3u);
  const auto dir = fresh_dir("full");
  testing::write_sample(sample, dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("register-sample"), std::string::npos);
  EXPECT_NE(html.find("0123456789abcdef"), std::string::npos);
  EXPECT_NE(html.find("faultline run register-sample --seed 7"), std::string::npos);
  EXPECT_NE(html.find("class=\"verdict fail\""), std::string::npos);
  EXPECT_NE(html.find("id=\"drawn\""), std::string::npos);
  EXPECT_NE(html.find("clock-skew"), std::string::npos);
  // Drawn faults as tables: one per nemesis, faults as rows with the kind first.
  EXPECT_EQ(count_of(html, "<div class=\"nemesis\"><h4>"), 2u);
  EXPECT_EQ(count_of(html, "<table class=\"jt rows\"><tr><th>fault</th>"), 2u);
  EXPECT_NE(html.find("<h4>partition-isolate</h4>"), std::string::npos);
  EXPECT_NE(html.find("<th>started</th><td><span class=\"v\">2</span>"), std::string::npos);
  EXPECT_NE(html.find("id=\"options\""), std::string::npos);
  const std::string summary = html.substr(0, html.find("<section id=\"timeline\""));
  EXPECT_EQ(summary.find("{&quot;"), std::string::npos) << "no raw JSON objects left";
  EXPECT_EQ(count_of(html, "<rect class=\"lane"), sample.processes);
  EXPECT_EQ(count_of(html, "class=\"lanelabel\""), sample.processes);
  EXPECT_EQ(count_of(html, "<g class=\"nem\""), sample.nemesis_intervals);
  EXPECT_EQ(count_of(html, "<g class=\"heal\""), 1u);
  EXPECT_EQ(count_of(html, "<svg class=\"plot latency\""), 1u);
  EXPECT_EQ(count_of(html, "<svg class=\"plot throughput\""), 1u);
  EXPECT_EQ(count_of(html, "<polyline class=\"rate"), 3u);
  const std::set<std::string> ids = ids_in(html);
  for (std::int64_t op : sample.anomaly_ops) {
    EXPECT_TRUE(ids.count("op-" + std::to_string(op))) << op;
  }
  EXPECT_EQ(count_of(html, "class=\"anomaly\""), 2u);
  // Every link into the timeline has a target, and anomaly ops are marked in the timeline.
  static const std::regex kLink(R"re(href="#(op-\d+)")re");
  std::size_t links = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kLink);
       it != std::sregex_iterator(); ++it, ++links) {
    EXPECT_TRUE(ids.count((*it)[1])) << (*it)[1];
  }
  EXPECT_EQ(links, 3u);  // two for G2-item, one for G-single (its other op is not in the history)
  // G-single names one operation twice (invocation and completion): one row, one link.
  const std::string both = "#" + std::to_string(sample.anomaly_ops[2]) + " #" +
                           std::to_string(sample.anomaly_completion) + "</a>";
  EXPECT_NE(html.find(both), std::string::npos) << both;
  EXPECT_NE(html.find("not a client operation of this history"), std::string::npos);
  EXPECT_EQ(count_of(html, " anom\""), 3u);
  EXPECT_NE(html.find("write skew"), std::string::npos);
}

TEST(RunReport, AllOpsDrawnWithIdsWhenUnderTheLimit) {
  const auto sample = make_sample({.ops = 300});
  const auto dir = fresh_dir("ids");
  testing::write_sample(sample, dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  EXPECT_EQ(count_of(html, "<rect id=\"op-"), 300u);
  EXPECT_EQ(count_of(html, "class=\"op ok"), count_of(html, "<circle class=\"pt ok\""));
  EXPECT_GT(count_of(html, "class=\"op fail"), 0u);
  EXPECT_GT(count_of(html, "class=\"op info"), 0u);
  EXPECT_EQ(count_of(html, "class=\"op info"), count_of(html, "<line class=\"open\""));
}

TEST(RunReport, HostileTextIsEscapedEverywhere) {
  const std::string evil = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>";
  const auto sample = make_sample({.hostile_value = evil});
  const auto dir = fresh_dir("hostile");
  testing::write_sample(sample, dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(count_of(html, "<script"), 1u);  // our own, at the end
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;&amp;amp;"), std::string::npos);  // from the trace
}

TEST(RunReport, NeedsNoNetwork) {
  const auto dir = fresh_dir("offline");
  testing::write_sample(make_sample({}), dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(RunReport, SameInputsGiveTheSameBytes) {
  const auto a = fresh_dir("det-a"), b = fresh_dir("det-b");
  testing::write_sample(make_sample({}), a);
  testing::write_sample(make_sample({}), b);
  ASSERT_EQ(write_run_report(a.string()), "");
  ASSERT_EQ(write_run_report(b.string()), "");
  std::string ha = slurp(a / "report.html"), hb = slurp(b / "report.html");
  // The run directory is printed in the header; everything else must match.
  ha.replace(ha.find(a.string()), a.string().size(), "DIR");
  hb.replace(hb.find(b.string()), b.string().size(), "DIR");
  EXPECT_EQ(ha, hb);
}

TEST(RunReport, InMemoryHistoryGivesTheSamePage) {
  const auto sample = make_sample({});
  const auto dir = fresh_dir("lent");
  testing::write_sample(sample, dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string from_file = slurp(dir / "report.html");
  std::filesystem::remove(dir / "history.jsonl");  // proves it is not read
  ASSERT_EQ(write_run_report(dir.string(), sample.history), "");
  EXPECT_EQ(slurp(dir / "report.html"), from_file);
}

TEST(RunReport, OldRunWithoutHistoryRendersWhatIsThere) {
  const auto dir = fresh_dir("old");
  std::ofstream(dir / "results.json") << R"({"scenario": "selftest", "seed": 3, "mode": "sim",
      "trace_hash": "00ff00ff00ff00ff", "result": "pass", "problems": [],
      "details": {"calls_ok": 812, "restarts": 2}, "future_field": {"x": 1}})";
  std::ofstream(dir / "trace.txt") << "line one\nline two\n";
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("No history.jsonl in the run directory"), std::string::npos);
  EXPECT_NE(html.find("calls_ok"), std::string::npos);
  EXPECT_NE(html.find("faultline run selftest --seed 3 --mode sim"), std::string::npos);
  EXPECT_NE(html.find("lists no checks"), std::string::npos);
  EXPECT_NE(html.find("2 lines"), std::string::npos);
  EXPECT_EQ(html.find("<rect id=\"op-"), std::string::npos);
}

// The system lanes (results.json "lanes", compose/timeline.h): a System section with one row
// per lane under the nemesis bands, bars by outcome, markers, and the lane a problem names linked
// to that problem and back; a malformed "lanes" is a note, not a failure.
TEST(RunReport, SystemLanesAreDrawnAndLinkedToProblems) {
  const auto dir = fresh_dir("lanes");
  testing::write_sample(testing::make_sample(with_lanes()), dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  const std::string system = html.substr(html.find("<section id=\"system\">"));
  EXPECT_EQ(count_of(system, "<g class=\"slane"), testing::kSampleLanes);
  EXPECT_EQ(count_of(system, "<g class=\"slane broken\""), 1u);
  EXPECT_EQ(count_of(system, "<rect class=\"sbar "), 7u);
  EXPECT_EQ(count_of(system, "<rect class=\"sbar compensated\""), 1u);
  EXPECT_EQ(count_of(system, "<path class=\"smark "), testing::kSampleLanes);
  EXPECT_GT(count_of(system, "<rect class=\"band\""), 0u) << "under the nemesis intervals";
  static const std::regex kToProblem(R"re(id="lanelabel-1" href="#(problem-\d+)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(system, m, kToProblem)) << "saga-2's label links its problem";
  const std::string li = "<li id=\"" + m[1].str() + "\">saga saga-2 ended failed";
  EXPECT_NE(html.find(li), std::string::npos);
  EXPECT_NE(html.find("href=\"#lanelabel-1\">(its lane)</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#system\">System</a>"), std::string::npos);
}

TEST(RunReport, MalformedLanesAreANoteNotAFailure) {
  const auto dir = fresh_dir("lanes-bad");
  auto sample = testing::make_sample(with_lanes());
  sample.results["lanes"]["groups"][0]["lanes"][1]["bars"][0]["from"] = "soon";
  testing::write_sample(sample, dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("results.json lanes: lane saga-2: a bar needs integer from and to"),
            std::string::npos);
  EXPECT_EQ(count_of(html, "<g class=\"slane"), 1u) << "the lanes before the bad one are kept";
  sample.results["lanes"] = "x";
  testing::write_sample(sample, dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  EXPECT_EQ(slurp(dir / "report.html").find("<section id=\"system\">"), std::string::npos);
}

}  // namespace
}  // namespace fl::reports
