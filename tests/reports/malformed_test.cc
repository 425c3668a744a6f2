// Proves that bad run directories give a clear error naming the file and the problem, never a
// crash and never a half-written report: a missing directory or results.json, JSON that does not
// parse or has the wrong shape, malformed history lines, a trace that is a directory or binary,
// and an output that cannot be written. Odd but readable histories (a completion without an
// invocation, stop without start) render with warnings; Elle's anomaly object form is accepted.
#include <gtest/gtest.h>

#include <fstream>

#include "reports/report.h"
#include "tests/reports/sample_run.h"

namespace fl::reports {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::make_sample;
using testing::slurp;

// Writes a good sample, lets `spoil` damage it, and returns write_run_report's error.
template <typename Spoil>
std::string error_after(const std::string& name, Spoil spoil) {
  const auto dir = fresh_dir(name);
  testing::write_sample(make_sample({}), dir);
  spoil(dir);
  const std::string error = write_run_report(dir.string());
  EXPECT_FALSE(fs::exists(dir / "report.html")) << name;
  return error;
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

TEST(ReportInput, MissingDirectory) {
  const std::string error = write_run_report("/nonexistent/fl-reports/run");
  EXPECT_NE(error.find("not a directory"), std::string::npos) << error;
}

TEST(ReportInput, MissingResults) {
  const auto e = error_after("no-results", [](auto d) { fs::remove(d / "results.json"); });
  EXPECT_NE(e.find("results.json: not found"), std::string::npos) << e;
}

TEST(ReportInput, ResultsNotJson) {
  const auto e = error_after("bad-json", [](auto d) { write(d / "results.json", "{\"seed\": "); });
  EXPECT_NE(e.find("results.json: not valid JSON"), std::string::npos) << e;
}

TEST(ReportInput, ResultsWrongShapes) {
  auto e = error_after("array", [](auto d) { write(d / "results.json", "[1, 2]"); });
  EXPECT_NE(e.find("not a JSON object"), std::string::npos) << e;
  e = error_after("checks", [](auto d) { write(d / "results.json", R"({"checks": 3})"); });
  EXPECT_NE(e.find("\"checks\" must be an array"), std::string::npos) << e;
  e = error_after("problems", [](auto d) { write(d / "results.json", R"({"problems": "x"})"); });
  EXPECT_NE(e.find("\"problems\" must be an array"), std::string::npos) << e;
  e = error_after("ops", [](auto d) {
    write(d / "results.json",
          R"({"checks": [{"name": "c", "valid": false,
              "result": {"anomalies": [{"type": "G0", "ops": ["seven"]}]}}]})");
  });
  EXPECT_NE(e.find("checks[0].result.anomalies[0].ops[0] must be an op index"), std::string::npos)
      << e;
}

TEST(ReportInput, MalformedHistoryLine) {
  const auto e = error_after("history", [](auto d) {
    std::ofstream(d / "history.jsonl", std::ios::app) << "{\"type\": \"ok\", \"process\": 1\n";
  });
  EXPECT_NE(e.find("history.jsonl: line"), std::string::npos) << e;
}

TEST(ReportInput, TraceThatIsNotText) {
  auto e = error_after("trace-dir", [](auto d) {
    fs::remove(d / "trace.txt");
    fs::create_directory(d / "trace.txt");
  });
  EXPECT_NE(e.find("trace.txt: not a regular file"), std::string::npos) << e;
  e = error_after("trace-bin", [](auto d) { write(d / "trace.txt", std::string("a\0b", 3)); });
  EXPECT_NE(e.find("binary data"), std::string::npos) << e;
}

TEST(ReportInput, UnwritableOutput) {
  const auto dir = fresh_dir("unwritable");
  testing::write_sample(make_sample({}), dir);
  fs::create_directory(dir / "report.html");
  fs::create_directory(dir / "report.html" / "occupied");
  const std::string e = write_run_report(dir.string());
  EXPECT_NE(e.find("report.html"), std::string::npos) << e;
}

TEST(ReportInput, OddHistoriesRenderWithWarnings) {
  const auto dir = fresh_dir("odd");
  write(dir / "results.json", R"({"scenario": "odd", "seed": 1, "result": "unknown"})");
  write(dir / "history.jsonl",
        R"({"index": 0, "time": 5, "process": 1, "type": "ok", "f": "read", "value": 1}
{"index": 1, "time": 6, "process": 2, "type": "invoke", "f": "write", "value": 2}
{"index": 2, "time": 7, "process": 2, "type": "invoke", "f": "write", "value": 3}
{"index": 3, "time": 9, "process": "nemesis", "type": "info", "f": "stop-partition"}
{"index": 4, "time": 9, "process": "nemesis", "type": "info", "f": "start-kill", "value": ["n1"]}
)");
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("a completion without an invocation"), std::string::npos);
  EXPECT_NE(html.find("invoked again before completing"), std::string::npos);
  EXPECT_NE(html.find("stop-partition without a start-partition"), std::string::npos);
  EXPECT_NE(html.find("No trace.txt"), std::string::npos);
  EXPECT_NE(html.find("end of history"), std::string::npos);  // the kill never stopped
  EXPECT_EQ(testing::count_of(html, "class=\"op pending"), 2u);
}

TEST(ReportInput, ElleAnomalyObjectFormIsAccepted) {
  const auto dir = fresh_dir("elle");
  auto sample = make_sample({});
  const auto a = sample.anomaly_ops;
  sample.results["checks"] = nlohmann::json::array(
      {{{"name", "elle-list-append"},
        {"valid", false},
        {"result",
         {{"anomalies",
           {{"G1c", {"T1 wr T2 ww T1"}},
            {"G2-item", {{{"explanation", "rw cycle"}, {"ops", {a[0], a[1]}}}}}}}}}}});
  testing::write_sample(sample, dir);
  ASSERT_EQ(write_run_report(dir.string()), "");
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("<h4>G1c</h4><p class=\"expl\">T1 wr T2 ww T1"), std::string::npos);
  EXPECT_NE(html.find("<h4>G2-item</h4><p class=\"expl\">rw cycle"), std::string::npos);
  EXPECT_NE(html.find("href=\"#op-" + std::to_string(a[0]) + "\""), std::string::npos);
}

}  // namespace
}  // namespace fl::reports
