// Proves the `faultline` command's promises: the same seed gives the same trace hash across two
// processes and different seeds differ; the selftest passes its seeds and its known-bug variant
// fails; `replay` confirms a recorded run and flags a tampered one; every kind of bad usage gets
// exit 2 with a message naming the problem, never a crash; parse_u64 accepts exactly the
// decimal numbers (property).
#include "cli/cli.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/cli.h"

namespace fl::test {
namespace {
namespace fs = std::filesystem;

using cli::cmd_bench;
using cli::cmd_list;
using cli::cmd_replay;
using cli::cmd_run;
using harness::kExitFail;
using harness::kExitHarness;
using harness::kExitPass;
using harness::kExitUsage;

Captured run_cli(Command command, const std::vector<std::string>& args) {
  return run_command(command, args);
}

std::string run_process(const std::string& args, int* code) {
  return test::run_process(FAULTLINE_BIN, args, code);
}

fs::path temp_dir(const std::string& name) { return fresh_dir(name); }

TEST(Cli, SameSeedSameHashAcrossProcesses) {
  const fs::path dir = temp_dir("xproc");
  int s1 = 0, s2 = 0, s3 = 0;
  const std::string a = run_process("run selftest --seed 42 --out " + (dir / "a").string(), &s1);
  const std::string b = run_process("run selftest --seed 42 --out " + (dir / "b").string(), &s2);
  const std::string c = run_process("run selftest --seed 43 --out " + (dir / "c").string(), &s3);
  EXPECT_EQ(s1, 0);
  EXPECT_EQ(s2, 0);
  EXPECT_EQ(s3, 0);
  const std::string ha = line_with(a, "trace-hash: ");
  ASSERT_EQ(ha.size(), std::string("trace-hash: ").size() + 16) << a;
  EXPECT_EQ(ha, line_with(b, "trace-hash: "));
  EXPECT_NE(ha, line_with(c, "trace-hash: "));
  EXPECT_EQ(line_with(a, "seed: "), "seed: 42");
  EXPECT_EQ(line_with(a, "result: "), "result: pass");
}

TEST(Cli, SameSeedSameHashInOneProcess) {
  const fs::path dir = temp_dir("inproc");
  auto a = run_cli(cmd_run, {"selftest", "--seed", "7", "--out", (dir / "a").string()});
  auto b = run_cli(cmd_run, {"selftest", "--seed", "7", "--out", (dir / "b").string()});
  EXPECT_EQ(a.code, kExitPass) << a.out;
  EXPECT_EQ(line_with(a.out, "trace-hash: "), line_with(b.out, "trace-hash: "));
}

TEST(Cli, SelftestPassesSeedsAndItsKnownBugFails) {
  const fs::path dir = temp_dir("seeds");
  for (int seed = 1; seed <= 10; ++seed) {
    auto r = run_cli(cmd_run, {"selftest", "--seed", std::to_string(seed), "--out",
                               (dir / std::to_string(seed)).string()});
    EXPECT_EQ(r.code, kExitPass) << "seed " << seed << "\n" << r.out;
  }
  auto bug = run_cli(cmd_run,
                     {"selftest-bug-stale-reply", "--seed", "1", "--out", (dir / "bug").string()});
  EXPECT_EQ(bug.code, kExitFail);
  EXPECT_NE(bug.out.find("reply to another request"), std::string::npos);
  EXPECT_NE(bug.out.find("reproduce: faultline run selftest-bug-stale-reply --seed 1"),
            std::string::npos);
}

TEST(Cli, ReplayConfirmsAndDetectsTampering) {
  const fs::path dir = temp_dir("replay");
  auto r = run_cli(cmd_run, {"selftest", "--seed", "5", "--out", dir.string()});
  ASSERT_EQ(r.code, kExitPass);
  auto ok = run_cli(cmd_replay, {dir.string()});
  EXPECT_EQ(ok.code, kExitPass) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("replay: trace-hash matches"), std::string::npos);
  // Tamper with the recorded hash: the seal says the recording was edited (exit 2).
  std::ifstream in(dir / "results.json");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string original = buf.str();
  std::string json = original;
  const auto pos = json.find("\"trace_hash\": \"");
  ASSERT_NE(pos, std::string::npos);
  json.replace(pos + 15, 16, "0000000000000000");
  std::ofstream(dir / "results.json") << json;
  auto edited = run_cli(cmd_replay, {dir.string()});
  EXPECT_EQ(edited.code, kExitUsage);
  EXPECT_NE(edited.err.find("was edited after the run"), std::string::npos) << edited.err;
  // Without a seal (an older recording) the same edit is a mismatch that repeats: the replays
  // agree with each other, so it is not called nondeterminism.
  auto doc = nlohmann::json::parse(json);
  doc.erase("seal");
  std::ofstream(dir / "results.json") << doc.dump(2);
  auto bad = run_cli(cmd_replay, {dir.string()});
  EXPECT_EQ(bad.code, kExitHarness);
  EXPECT_NE(bad.out.find("MISMATCH"), std::string::npos);
  EXPECT_NE(bad.out.find("two replays agree"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("NONDETERMINISM"), std::string::npos);
  // A recorded real run is not replayed.
  doc = nlohmann::json::parse(original);
  doc["mode"] = "real";
  doc.erase("seal");
  std::ofstream(dir / "results.json") << doc.dump(2);
  auto real = run_cli(cmd_replay, {dir.string()});
  EXPECT_EQ(real.code, kExitUsage);
  EXPECT_NE(real.err.find("only simulated runs repeat"), std::string::npos) << real.err;
}

TEST(Cli, BadUsageGetsExit2AndAMessage) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "scenario is required"},
      {{"nope"}, "unknown scenario 'nope'"},
      {{"selftest", "--seed"}, "--seed"},
      {{"selftest", "--seed", "abc"}, "--seed takes a whole number"},
      {{"selftest", "--seed", "-1"}, "--seed takes a whole number"},
      {{"selftest", "--seed", "99999999999999999999999"}, "--seed takes a whole number"},
      {{"selftest", "--mode", "moon"}, "--mode"},
      {{"selftest-bug-stale-reply", "--mode", "real"}, "does not offer mode 'real'"},
      {{"selftest", "--frobnicate"}, "--frobnicate"},
      {{"selftest", "extra"}, "extra"},
  };
  for (const auto& [args, message] : cases) {
    auto r = run_cli(cmd_run, args);
    EXPECT_EQ(r.code, kExitUsage) << message;
    EXPECT_NE(r.err.find(message), std::string::npos) << "got: " << r.err;
  }
  const fs::path dir = temp_dir("badreplay");
  fs::create_directories(dir);
  EXPECT_EQ(run_cli(cmd_replay, {dir.string()}).code, kExitUsage);  // no results.json
  std::ofstream(dir / "results.json") << "{not json";
  auto r = run_cli(cmd_replay, {dir.string()});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("is not a results.json"), std::string::npos);
  std::ofstream(dir / "results.json") << R"({"scenario": 3, "seed": "x"})";
  EXPECT_EQ(run_cli(cmd_replay, {dir.string()}).code, kExitUsage);
  EXPECT_EQ(run_cli(cmd_replay, {}).code, kExitUsage);
  EXPECT_EQ(run_cli(cmd_list, {"x"}).code, kExitUsage);
  EXPECT_EQ(run_cli(cmd_bench, {"nothing"}).code, kExitUsage);
}

TEST(Cli, ListNamesEveryScenario) {
  auto r = run_cli(cmd_list, {});
  EXPECT_EQ(r.code, kExitPass);
  EXPECT_NE(r.out.find("selftest  [sim]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("selftest-real  [real,sim]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("selftest-bug-stale-reply"), std::string::npos);
}

RC_GTEST_PROP(Cli, ParseU64AcceptsExactlyDecimalNumbers, (std::uint64_t n, std::string junk)) {
  using harness::parse_u64;
  std::uint64_t v = 0;
  RC_ASSERT(parse_u64(std::to_string(n), &v));
  RC_ASSERT(v == n);
  const bool all_digits =
      !junk.empty() && junk.size() <= 19 &&
      std::all_of(junk.begin(), junk.end(), [](char c) { return c >= '0' && c <= '9'; });
  RC_ASSERT(parse_u64(junk, &v) == all_digits);
}

}  // namespace
}  // namespace fl::test
