// Proves `faultline report <run-dir>`: it (re)writes report.html for an existing run directory
// and prints its path (exit 0); a directory it cannot read and bad usage exit 2 with a message
// naming the problem. With a shrink.json in the run directory it writes shrink.html too;
// `report --shrink` writes only shrink.html and refuses a run that was never shrunk. Runs the real
// binary on generated run directories.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/reports/sample_run.h"

namespace fl::reports {
namespace {

struct Ran {
  int status = -1;
  std::string output;  // stdout and stderr
};

Ran run(const std::string& args) {
  Ran r;
  FILE* pipe = ::popen((std::string(FAULTLINE_BIN) + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.output.append(buf, n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(ReportCommand, WritesTheReportAndPrintsItsPath) {
  const auto dir = testing::fresh_dir("cli");
  testing::write_sample(testing::make_sample({}), dir);
  const Ran report = run("report " + dir.string());
  EXPECT_EQ(report.status, 0) << report.output;
  EXPECT_EQ(report.output, (dir / "report.html").string() + "\n");
  EXPECT_NE(testing::slurp(dir / "report.html").find("register-sample"), std::string::npos);
}

TEST(ReportCommand, BadInputExitsTwoWithAMessage) {
  const auto dir = testing::fresh_dir("cli-bad");
  Ran r = run("report " + dir.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("results.json: not found"), std::string::npos) << r.output;
  r = run("report");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("faultline report: run-dir is required"), std::string::npos) << r.output;
  r = run("report a b");
  EXPECT_EQ(r.status, 2);
}

TEST(ReportCommand, WritesTheShrinkPageBesideTheReport) {
  const auto dir = testing::fresh_dir("cli-shrink");
  testing::write_sample_shrink(dir);
  Ran r = run("report " + dir.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output,
            (dir / "report.html").string() + "\n" + (dir / "shrink.html").string() + "\n");
  EXPECT_NE(testing::slurp(dir / "report.html").find("href=\"shrink.html\""), std::string::npos);
  std::filesystem::remove(dir / "shrink.html");
  r = run("report --shrink " + dir.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, (dir / "shrink.html").string() + "\n");
  EXPECT_NE(testing::slurp(dir / "shrink.html").find("id=\"diff-table\""), std::string::npos);
}

TEST(ReportCommand, ShrinkPageOfARunNeverShrunkExitsTwo) {
  const auto dir = testing::fresh_dir("cli-shrink-bad");
  testing::write_sample(testing::make_sample({}), dir);
  Ran r = run("report --shrink " + dir.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("shrink.json: not found (no shrink of this run yet: run `faultline "
                          "shrink"),
            std::string::npos)
      << r.output;
  r = run("report --shrink --main-job " + dir.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("do not go together"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace fl::reports
