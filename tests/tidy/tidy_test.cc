// Proves the tidy checker can fail: each rule fires on a hand-made violation and stays quiet on
// the same text when it is legal (in a comment, a string, or a layer that may do it).
#include "tests/tidy/tidy.h"

#include <gtest/gtest.h>

namespace fl::tidy {
namespace {

std::vector<std::string> rules(const std::string& path, const std::string& text) {
  std::vector<std::string> out;
  for (const auto& f : check_file(path, text)) out.push_back(f.rule + ":" + f.text);
  return out;
}

TEST(Tidy, LayerRules) {
  EXPECT_FALSE(rules("system/saga/x.cc", "#include \"sim/simulator.h\"\n").empty());
  EXPECT_FALSE(rules("system/io/x.h", "#include \"system/saga/y.h\"\n").empty());
  EXPECT_FALSE(rules("checkers/x.cc", "#include \"system/io/clock.h\"\n").empty());
  EXPECT_FALSE(rules("sim/x.cc", "#include \"real/http.h\"\n").empty());
  EXPECT_FALSE(rules("sim/x.cc", "#include <boost/asio.hpp>\n").empty());
  EXPECT_FALSE(rules("system/io/x.h", "#include <boost/fiber/all.hpp>\n").empty());
  EXPECT_TRUE(rules("sim/x.cc", "#include \"system/io/clock.h\"\n").empty());
  EXPECT_TRUE(rules("harness/x.cc", "#include \"sim/simulator.h\"\n").empty());
  EXPECT_TRUE(rules("tests/x.cc", "#include \"compose/saga/saga.h\"\n").empty());
  EXPECT_TRUE(rules("checkers/x.cc", "#include \"history/history.h\"\n").empty());
  EXPECT_TRUE(rules("real/x.cc", "#include <boost/asio.hpp>\n").empty());
}

// The rooms of the layout: the harness and serving name no system (they see the generic
// compose/ only), a composition sees no other system's, system code sees no harness, serving no
// harness, and product code nothing under tests/.
TEST(Tidy, RoomRules) {
  EXPECT_FALSE(rules("harness/run.cc", "#include \"compose/saga/saga.h\"\n").empty());
  EXPECT_FALSE(rules("harness/run.cc", "#include \"system/saga/orchestrator.h\"\n").empty());
  EXPECT_TRUE(rules("harness/run.cc", "#include \"compose/topology.h\"\n").empty());
  EXPECT_FALSE(rules("serve/serve.cc", "#include \"harness/run.h\"\n").empty());
  EXPECT_FALSE(rules("serve/serve.cc", "#include \"compose/echo/echo.h\"\n").empty());
  EXPECT_TRUE(rules("serve/serve.cc", "#include \"compose/host.h\"\n").empty());
  EXPECT_FALSE(rules("compose/saga/x.cc", "#include \"compose/echo/echo.h\"\n").empty());
  EXPECT_TRUE(rules("compose/saga/x.cc", "#include \"compose/saga/check.h\"\n").empty());
  EXPECT_TRUE(rules("compose/registry.cc", "#include \"compose/echo/echo.h\"\n").empty());
  EXPECT_FALSE(rules("compose/host.cc", "#include \"compose/echo/echo.h\"\n").empty());
  EXPECT_FALSE(rules("compose/x.cc", "#include \"harness/run.h\"\n").empty());
  EXPECT_FALSE(rules("system/saga/x.cc", "#include \"compose/host.h\"\n").empty());
  EXPECT_FALSE(rules("system/saga/x.cc", "#include \"serve/serve.h\"\n").empty());
  EXPECT_FALSE(rules("system/api/x.cc", "#include \"system/saga/saga_api.h\"\n").empty());
  EXPECT_FALSE(rules("real/x.cc", "#include \"tests/support/cli.h\"\n").empty());
  EXPECT_FALSE(rules("cli/x.cc", "#include \"compose/saga/saga.h\"\n").empty());
}

TEST(Tidy, BannedCallsInSystemAndSim) {
  EXPECT_FALSE(rules("sim/x.cc", "auto t = std::chrono::steady_clock::now();\n").empty());
  EXPECT_FALSE(rules("system/a/x.cc", "std::random_device rd;\n").empty());
  EXPECT_FALSE(rules("system/a/x.cc", "int x = rand();\n").empty());
  EXPECT_FALSE(rules("sim/x.cc", "std::thread t(f);\n").empty());
  EXPECT_FALSE(rules("sim/x.cc", "boost::this_fiber::sleep_for(d);\n").empty());
  EXPECT_FALSE(rules("system/a/x.cc", "cv.wait_for(lk, d);\n").empty());
  EXPECT_FALSE(rules("system/a/x.cc", "try { f(); } catch (...) { }\n").empty());
  EXPECT_FALSE(rules("sim/x.cc", "std::uniform_int_distribution<int> d;\n").empty());
  // Legal: in comments or strings, in layers that may, or names that merely contain the word.
  EXPECT_TRUE(rules("sim/x.cc", "// never call std::thread here\n").empty());
  EXPECT_TRUE(rules("sim/x.cc", "const char* m = \"this_fiber::sleep_for\";\n").empty());
  EXPECT_TRUE(rules("real/x.cc", "auto t = std::chrono::steady_clock::now();\n").empty());
  EXPECT_TRUE(rules("sim/x.cc", "int y = operand(x);\n").empty());
  EXPECT_TRUE(rules("sim/x.cc", "random_.below(n);\n").empty());
  EXPECT_TRUE(
      rules("sim/x.cc", "steady_clock::time_point t;  // tidy:allow Boost's API\n").empty());
}

TEST(Tidy, LineWidth) {
  EXPECT_FALSE(rules("sim/x.cc", std::string(101, 'x') + "\n").empty());
  EXPECT_TRUE(rules("sim/x.cc", std::string(100, 'x') + "\n").empty());
}

TEST(Tidy, BlankingKeepsLinesAndCode) {
  const std::string src = "a /* b\n c */ d \"e\\\"f\" 'g' // h\ni\n";
  const std::string out = blank_comments_and_strings(src);
  EXPECT_EQ(out.size(), src.size());
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
  EXPECT_EQ(out.find('b'), std::string::npos);
  EXPECT_EQ(out.find('h'), std::string::npos);
  EXPECT_NE(out.find('d'), std::string::npos);
  EXPECT_NE(out.find('i'), std::string::npos);
}

}  // namespace
}  // namespace fl::tidy
