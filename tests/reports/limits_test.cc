// Proves that reports stay bounded on runs of any size and say what they left out: at most
// kMaxOpsDrawn bars (anomalous operations always kept), kMaxScatterPoints points, kMaxLanes lanes,
// kMaxThroughputBins bins, a trace cut to its head and tail, anomalies cut to kMaxOpsPerAnomaly
// operations, and huge values truncated. Renders generated runs and counts elements.
#include <gtest/gtest.h>

#include <fstream>

#include "reports/report.h"
#include "reports/svg.h"
#include "tests/reports/sample_run.h"

namespace fl::reports {
namespace {

using testing::count_of;
using testing::fresh_dir;
using testing::make_sample;
using testing::slurp;

std::string render(const testing::Sample& sample, const std::string& name) {
  const auto dir = fresh_dir(name);
  testing::write_sample(sample, dir);
  const std::string error = write_run_report(dir.string());
  EXPECT_EQ(error, "");
  return slurp(dir / "report.html");
}

TEST(ReportLimits, HugeHistoryIsSampledAndSaysSo) {
  const auto sample = make_sample({.clients = 10, .ops = 30'000, .duration_ns = 600'000'000'000});
  const std::string html = render(sample, "huge");
  EXPECT_EQ(count_of(html, "<rect id=\"op-"), kMaxOpsDrawn);
  EXPECT_LE(count_of(html, "<circle class=\"pt"), kMaxScatterPoints);
  EXPECT_NE(html.find("The timeline draws 20,000 of 30,000 operations"), std::string::npos);
  EXPECT_NE(html.find("The latency plot draws"), std::string::npos);
  for (std::int64_t op : sample.anomaly_ops) {
    EXPECT_NE(html.find("<rect id=\"op-" + std::to_string(op) + "\""), std::string::npos) << op;
  }
  EXPECT_NE(html.find("30,000"), std::string::npos);  // the summary counts every operation
}

TEST(ReportLimits, ManyProcessesShareBoundedLanes) {
  const auto sample = make_sample({.clients = 450, .ops = 1'800});
  ASSERT_GT(sample.processes, kMaxLanes);
  const std::string html = render(sample, "lanes");
  EXPECT_LE(count_of(html, "<rect class=\"lane"), kMaxLanes);
  EXPECT_GT(count_of(html, "<rect class=\"lane"), 0u);
  EXPECT_NE(html.find("lanes at most (limit)"), std::string::npos);
  EXPECT_EQ(count_of(html, "<rect id=\"op-"), 1'800u);
}

TEST(ReportLimits, PackedLanesFollowConcurrencyNotProcessCount) {
  // Ten clients whose processes end in info and are replaced: hundreds of processes, but never
  // more than ten at once, so ten lanes hold them all.
  const auto sample = make_sample({.clients = 10, .ops = 6'000, .duration_ns = 120'000'000'000});
  ASSERT_GT(sample.processes, kMaxLanes);
  const std::string html = render(sample, "packed");
  EXPECT_EQ(count_of(html, "<rect class=\"lane"), 10u);
  EXPECT_EQ(count_of(html, "<line class=\"open\""), 0u);
}

TEST(ReportLimits, LongRunsUseBoundedThroughputBins) {
  const auto sample = make_sample({.ops = 500, .duration_ns = 36'000'000'000'000});  // 10 hours
  const std::string html = render(sample, "long");
  const std::size_t at = html.find("<polyline class=\"rate ok\" points=\"");
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = html.find('"', at + 35);
  const std::string points = html.substr(at + 35, end - at - 35);
  EXPECT_LE(count_of(points, ","), kMaxThroughputBins + 1);
  EXPECT_NE(html.find("in bins of 60.00 s"), std::string::npos);
}

TEST(ReportLimits, TraceIsCutToHeadAndTail) {
  auto sample = make_sample({});
  const std::string html = render(sample, "trace");
  EXPECT_NE(html.find("1,500 lines (the first 400 and the last 400 shown)"), std::string::npos);
  EXPECT_NE(html.find("700 lines omitted"), std::string::npos);
  EXPECT_NE(html.find("recv msg 1499\n"), std::string::npos);
  EXPECT_NE(html.find("recv msg 399\n"), std::string::npos);
  EXPECT_EQ(html.find("recv msg 400\n"), std::string::npos);
}

TEST(ReportLimits, AnomalyOpsAndHugeValuesAreTruncated) {
  auto sample = make_sample({});
  nlohmann::json ops = nlohmann::json::array();
  for (std::int64_t i = 0; i < 80; ++i) ops.push_back(i);
  sample.results["checks"][1]["result"]["anomalies"].push_back(
      {{"type", "G0"}, {"explanation", std::string(100'000, 'x')}, {"ops", ops}});
  sample.history.ops[0].value = std::string(1'000'000, 'v');
  const std::string html = render(sample, "trunc");
  EXPECT_NE(html.find("and 30 more operations (limit 50)"), std::string::npos);
  EXPECT_EQ(html.find(std::string(4'001, 'x')), std::string::npos);
  EXPECT_EQ(html.find(std::string(1'000, 'v')), std::string::npos);
  EXPECT_LT(html.size(), 2'000'000u);
}

}  // namespace
}  // namespace fl::reports
