// Proves `faultline report <run-dir>`: it (re)writes report.html for an existing run directory
// and prints its path (exit 0); a directory it cannot read and bad usage exit 2 with a message
// naming the problem. Runs the real binary on a generated run directory.
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

}  // namespace
}  // namespace fl::reports
