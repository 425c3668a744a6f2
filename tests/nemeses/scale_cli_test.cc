// Proves sharded and continuous sweeps and `faultline merge` end to end through the real binary:
// the parts of --shard I/N are disjoint and, merged, give exactly the verdicts and trace hashes of
// one sweep of the whole range; --shard auto/N maps each engine's environment variable with its
// base (Slurm as given, Kubernetes 0-based, GNU parallel 1-based); merge reports missing,
// duplicated and nondeterministic seeds, refuses parts of different builds or scenario files,
// and answers every malformed sweep.json (hand-made breakages and truncations at many offsets)
// with exit 2 and a message naming the file, never a crash; --from draws the seeds
// splitmix64 says, disjoint across parts, and --until-fail / --duration stop the stream.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/support/binary.h"

namespace {
namespace fs = std::filesystem;

using fl::test::Ran;
using fl::test::read_json;

// The engines' variables are cleared so that the test's own environment cannot pick the shard.
const std::string kClean = "env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX -u PARALLEL_SEQ ";

Ran faultline(const std::string& args, const std::string& env = "") {
  return fl::test::run_binary(kClean + env + " " + FAULTLINE_BIN, args);
}

// seed -> (result, trace hash) of a sweep.json.
std::map<std::uint64_t, std::pair<std::string, std::string>> verdicts(const fs::path& dir) {
  std::map<std::uint64_t, std::pair<std::string, std::string>> out;
  const nlohmann::json sweep = read_json(dir / "sweep.json");
  if (!sweep.is_object()) return out;
  for (const auto& s : sweep["seeds"]) {
    out[s["seed"].get<std::uint64_t>()] = {s["result"].get<std::string>(),
                                           s["trace_hash"].get<std::string>()};
  }
  return out;
}

std::uint64_t splitmix64(std::uint64_t x) {  // the spec of --from's draws, written out again
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class ScaleCli : public ::testing::Test {
 protected:
  void SetUp() override { dir = fl::test::fresh_test_dir("fl-scale-"); }
  void TearDown() override { fs::remove_all(dir); }
  std::string out(const std::string& name) const { return (dir / name).string(); }
  // Sweeps selftest 1..8 in 4 parts into p0..p3 (once per test).
  void sweep_parts() {
    for (int i = 0; i < 4; ++i) {
      const Ran r = faultline("sweep selftest --seeds 1..8 --jobs 2 --shard " + std::to_string(i) +
                              "/4 --out " + out("p" + std::to_string(i)));
      ASSERT_EQ(r.code, 0) << r.output;
    }
  }
  void edit(const std::string& part, const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json j = read_json(dir / part / "sweep.json");
    change(j);
    std::ofstream(dir / part / "sweep.json") << j.dump(2);
  }
  fs::path dir;
};

TEST_F(ScaleCli, BadArgumentsAreRefusedClearly) {
  struct Case {
    std::string args, must_say;
  };
  const Case cases[] = {
      {"sweep selftest", "give exactly one of --seeds A..B and --from S"},
      {"sweep selftest --seeds 1..2 --from 3", "give exactly one of"},
      {"sweep selftest --seeds 1..2 --shard 4/4", "--shard takes I/N"},
      {"sweep selftest --seeds 1..2 --shard 1", "--shard takes I/N"},
      {"sweep selftest --seeds 1..2 --shard x/2", "--shard takes I/N"},
      {"sweep selftest --seeds 1..2 --shard 0/0", "--shard takes I/N"},
      {"sweep selftest --seeds 1..2 --shard auto/2", "none of SLURM_ARRAY_TASK_ID"},
      {"sweep selftest --from 1 --duration 0", "--duration takes"},
      {"sweep selftest --from 1 --duration 5x", "--duration takes"},
      {"sweep selftest --from 1 --duration 31d", "--duration takes"},
      {"sweep selftest --from -1", "--from takes a whole number"},
      {"sweep selftest --from 18446744073709551616", "--from takes a whole number"},
      {"merge", "dirs is required"},
      {"merge " + out("nothing"), "sweep.json: no such file"},
  };
  for (const auto& c : cases) {
    const Ran r = faultline(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.must_say), std::string::npos) << c.args << "\n" << r.output;
  }
}

TEST_F(ScaleCli, MergedPartsEqualOneSweepOfTheRange) {
  const Ran whole = faultline("sweep selftest --seeds 1..8 --jobs 2 --out " + out("whole"));
  ASSERT_EQ(whole.code, 0) << whole.output;
  sweep_parts();
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 4; ++i) {
    for (const auto& [seed, v] : verdicts(dir / ("p" + std::to_string(i)))) {
      EXPECT_EQ(seed % 4, static_cast<std::uint64_t>((i + 1) % 4)) << "part " << i;
      EXPECT_TRUE(seen.insert(seed).second) << "seed " << seed << " in two parts";
    }
  }
  const Ran m = faultline("merge " + out("p0") + " " + out("p1") + " " + out("p2") + " " +
                          out("p3") + " --out " + out("m"));
  ASSERT_EQ(m.code, 0) << m.output;
  EXPECT_NE(m.output.find("pass          8"), std::string::npos) << m.output;
  EXPECT_EQ(m.output.find("missing:"), std::string::npos) << m.output;
  EXPECT_NE(m.output.find("replay: 4 seed(s) re-run here, 0 did not replay"), std::string::npos)
      << m.output;
  EXPECT_EQ(verdicts(dir / "m"), verdicts(dir / "whole"));
  EXPECT_EQ(verdicts(dir / "m").size(), 8u);
  const nlohmann::json merged = read_json(dir / "m" / "sweep.json");
  EXPECT_EQ(merged["build_id"], read_json(dir / "whole" / "sweep.json")["build_id"]);
  EXPECT_EQ(merged["summary"]["parts"], 4);
  ASSERT_TRUE(fs::exists(dir / "m" / "index.html"));
  // Each seed links to its run in its part's directory, and that run is there.
  for (const auto& s : merged["seeds"]) {
    EXPECT_TRUE(fs::exists(dir / "m" / s["dir"].get<std::string>() / "results.json")) << s;
  }
}

TEST_F(ScaleCli, AutoShardReadsEachEnginesIndexWithItsBase) {
  struct Case {
    std::string env;
    std::set<std::uint64_t> seeds;  // of 1..8 in 4 parts
  };
  const Case cases[] = {{"SLURM_ARRAY_TASK_ID=3", {4, 8}},
                        {"JOB_COMPLETION_INDEX=2", {3, 7}},
                        {"PARALLEL_SEQ=1", {1, 5}},
                        {"SLURM_ARRAY_TASK_ID=0 PARALLEL_SEQ=4", {1, 5}}};  // Slurm wins
  int n = 0;
  for (const auto& c : cases) {
    const std::string o = out("auto" + std::to_string(n++));
    const Ran r = faultline("sweep selftest --seeds 1..8 --shard auto/4 --out " + o, c.env);
    ASSERT_EQ(r.code, 0) << c.env << "\n" << r.output;
    std::set<std::uint64_t> got;
    for (const auto& [seed, v] : verdicts(o)) got.insert(seed);
    EXPECT_EQ(got, c.seeds) << c.env;
    const std::string source = c.env.substr(0, c.env.find('='));
    EXPECT_EQ(read_json(fs::path(o) / "sweep.json")["shard"]["source"], source) << c.env;
  }
  for (const std::string env : {"PARALLEL_SEQ=0", "PARALLEL_SEQ=5", "JOB_COMPLETION_INDEX=4",
                                "SLURM_ARRAY_TASK_ID=4", "JOB_COMPLETION_INDEX=x"}) {
    const Ran r = faultline("sweep selftest --seeds 1..8 --shard auto/4 --out " + out("x"), env);
    EXPECT_EQ(r.code, 2) << env << "\n" << r.output;
    EXPECT_NE(r.output.find(env.substr(0, env.find('='))), std::string::npos) << r.output;
  }
}

TEST_F(ScaleCli, MergeReportsMissingDuplicatedAndNondeterministicSeeds) {
  sweep_parts();
  Ran m =
      faultline("merge " + out("p0") + " " + out("p1") + " " + out("p1") + " --out " + out("m"));
  EXPECT_EQ(m.code, 3) << m.output;
  EXPECT_NE(m.output.find("missing: 4 seed(s) no part ran: 3..4, 7..8"), std::string::npos)
      << m.output;
  EXPECT_NE(m.output.find("duplicated: 2 seed(s) ran in more than one part: 2, 6"),
            std::string::npos)
      << m.output;
  EXPECT_EQ(read_json(dir / "m" / "sweep.json")["summary"]["missing"], 4);
  fs::copy(dir / "p1", dir / "p1x", fs::copy_options::recursive);
  edit("p1x", [](nlohmann::json& j) { j["seeds"][0]["trace_hash"] = "0000000000000000"; });
  m = faultline("merge " + out("p0") + " " + out("p1") + " " + out("p2") + " " + out("p3") + " " +
                out("p1x") + " --out " + out("m"));
  EXPECT_EQ(m.code, 3) << m.output;
  EXPECT_NE(m.output.find("nondeterministic: seed 2:"), std::string::npos) << m.output;
}

// Flaky or not: a recorded trace hash that a re-run here does not repeat is nondeterminism, and
// the seed's verdict becomes unknown; --no-replay re-runs nothing.
TEST_F(ScaleCli, MergeReplaysASampleAndCallsAMismatchNondeterminism) {
  sweep_parts();
  edit("p0", [](nlohmann::json& j) { j["seeds"][0]["trace_hash"] = "0123456789abcdef"; });
  const std::string parts =
      out("p0") + " " + out("p1") + " " + out("p2") + " " + out("p3") + " --out " + out("m");
  Ran m = faultline("merge " + parts + " --replay 8");
  EXPECT_EQ(m.code, 3) << m.output;
  EXPECT_NE(m.output.find("nondeterministic: seed 1: did not replay: recorded trace hash "
                          "0123456789abcdef"),
            std::string::npos)
      << m.output;
  EXPECT_NE(m.output.find("replay: 8 seed(s) re-run here, 1 did not replay"), std::string::npos)
      << m.output;
  const nlohmann::json merged = read_json(dir / "m" / "sweep.json");
  EXPECT_EQ(merged["summary"]["unknown"], 1);
  EXPECT_EQ(merged["replayed"].size(), 8u);
  m = faultline("merge " + parts + " --no-replay");
  EXPECT_EQ(m.code, 0) << m.output;
  EXPECT_EQ(m.output.find("replay:"), std::string::npos) << m.output;
}

TEST_F(ScaleCli, MergeRefusesPartsOfOtherBuildsOrScenarioFiles) {
  sweep_parts();
  fs::copy(dir / "p1", dir / "q1", fs::copy_options::recursive);
  edit("q1", [](nlohmann::json& j) { j["build_id"] = "gnu:0123"; });
  Ran m = faultline("merge " + out("p0") + " " + out("q1") + " --out " + out("m"));
  EXPECT_EQ(m.code, 2) << m.output;
  EXPECT_NE(m.output.find("refusing to merge parts from different builds of faultline"),
            std::string::npos)
      << m.output;
  EXPECT_FALSE(fs::exists(dir / "m" / "sweep.json"));
  fs::remove_all(dir / "q1");
  fs::copy(dir / "p1", dir / "q1", fs::copy_options::recursive);
  edit("q1", [](nlohmann::json& j) { j["scenario_file_hash"] = "ffffffffffffffff"; });
  m = faultline("merge " + out("p0") + " " + out("q1") + " --out " + out("m"));
  EXPECT_EQ(m.code, 2) << m.output;
  EXPECT_NE(m.output.find("different scenario files"), std::string::npos) << m.output;
  m = faultline("merge " + out("p0") + " " + out("p1") + " --out " + out("p0"));
  EXPECT_EQ(m.code, 2) << m.output;
  EXPECT_NE(m.output.find("is one of the parts"), std::string::npos) << m.output;
}

TEST_F(ScaleCli, MalformedSweepJsonGetsAClearErrorNeverACrash) {
  sweep_parts();
  const nlohmann::json good = read_json(dir / "p1" / "sweep.json");
  using Change = std::function<void(nlohmann::json&)>;
  const std::pair<Change, std::string> breakages[] = {
      {[](nlohmann::json& j) { j = nlohmann::json::array(); }, "must be a JSON object"},
      {[](nlohmann::json& j) { j.erase("build_id"); }, "has no build_id"},
      {[](nlohmann::json& j) { j["seeds"] = 3; }, "seeds must be an array"},
      {[](nlohmann::json& j) { j["seeds"][0]["seed"] = "2"; }, "seeds[0].seed must be"},
      {[](nlohmann::json& j) { j["seeds"][1]["trace_hash"] = 7; }, "seeds[1].trace_hash"},
      {[](nlohmann::json& j) { j["seeds"][0]["seed"] = 99; }, "seeds[0].seed 99 is outside"},
      {[](nlohmann::json& j) { j["shard"]["index"] = 9; }, "shard: index must be below count"},
      {[](nlohmann::json& j) { j["plan"]["first_seed"] = 100; }, "plan: first_seed..last_seed"},
      {[](nlohmann::json& j) { j["plan"]["kind"] = "moon"; }, "plan.kind"},
      {[](nlohmann::json& j) { j["set"] = {1}; }, "set must be an array of strings"},
  };
  for (const auto& [change, must_say] : breakages) {
    nlohmann::json j = good;
    change(j);
    std::ofstream(dir / "p1" / "sweep.json") << j.dump();
    const Ran m = faultline("merge " + out("p0") + " " + out("p1") + " --out " + out("m"));
    EXPECT_EQ(m.code, 2) << must_say << "\n" << m.output;
    EXPECT_NE(m.output.find("sweep.json: " + must_say), std::string::npos) << m.output;
  }
  // Truncated at many places: never valid, always exit 2 with the file named.
  const std::string text = good.dump();
  for (std::size_t cut = 0; cut < text.size(); cut += text.size() / 25 + 1) {
    std::ofstream(dir / "p1" / "sweep.json") << text.substr(0, cut);
    const Ran m = faultline("merge " + out("p0") + " " + out("p1") + " --out " + out("m"));
    EXPECT_EQ(m.code, 2) << "cut at " << cut << "\n" << m.output;
    EXPECT_NE(m.output.find("p1/sweep.json: "), std::string::npos) << m.output;
  }
}

TEST_F(ScaleCli, FromDrawsSplitmixSeedsDisjointAcrossPartsUntilTheDuration) {
  for (int i = 0; i < 2; ++i) {
    const Ran r = faultline("sweep selftest --from 42 --duration 2s --shard " + std::to_string(i) +
                            "/2 --out " + out("d" + std::to_string(i)));
    ASSERT_EQ(r.code, 0) << r.output;
    const nlohmann::json j = read_json(dir / ("d" + std::to_string(i)) / "sweep.json");
    EXPECT_EQ(j["stopped_by"], "duration");
    EXPECT_EQ(j["plan"]["kind"], "drawn");
    ASSERT_GE(j["seeds"].size(), 1u);
    // Part i runs positions i, i+2, i+4, ...: its seeds are exactly those draws.
    std::set<std::uint64_t> want, got;
    for (std::size_t k = 0; k < j["seeds"].size(); ++k) {
      want.insert(splitmix64(42 + (2 * k + i) * 0x9e3779b97f4a7c15ULL));
      got.insert(j["seeds"][k]["seed"].get<std::uint64_t>());
    }
    EXPECT_EQ(got, want) << "part " << i;
  }
  for (const auto& [seed, v] : verdicts(dir / "d0")) {
    EXPECT_EQ(verdicts(dir / "d1").count(seed), 0u) << seed;
  }
  const Ran m = faultline("merge " + out("d0") + " " + out("d1") + " --out " + out("m"));
  EXPECT_EQ(m.code, 0) << m.output;
  EXPECT_NE(m.output.find("seeds drawn from 42"), std::string::npos) << m.output;
}

TEST_F(ScaleCli, UntilFailStopsAtTheFirstFailureAndSaysSoAsItComes) {
  const Ran r = faultline("sweep selftest-bug-stale-reply --from 1 --until-fail --out " + out("u"));
  ASSERT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("new failure: seed "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(stopped by failure)"), std::string::npos) << r.output;
  const nlohmann::json j = read_json(dir / "u" / "sweep.json");
  EXPECT_EQ(j["stopped_by"], "failure");
  EXPECT_EQ(j["summary"]["fail"], 1);  // one job: nothing runs after the first failure
  EXPECT_EQ(j["seeds"].back()["result"], "fail");
}

// A stream with no end, stopped by SIGINT: the partial summary is written, marked interrupted.
TEST_F(ScaleCli, InterruptedStreamWritesAPartialSummary) {
  const std::string d = out("stream");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(FAULTLINE_BIN, "faultline", "sweep", "selftest", "--from", "9", "--out", d.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  const std::string first = std::to_string(splitmix64(9));
  for (int i = 0; i < 600 && !fs::exists(fs::path(d) / first / "results.json"); ++i) {
    ::usleep(50 * 1000);
  }
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 3);
  const nlohmann::json j = read_json(fs::path(d) / "sweep.json");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["summary"]["interrupted"], true);
  EXPECT_EQ(j["stopped_by"], "interrupted");
  EXPECT_EQ(j["plan"]["kind"], "drawn");
  EXPECT_TRUE(fs::exists(fs::path(d) / "index.html"));
}

}  // namespace
