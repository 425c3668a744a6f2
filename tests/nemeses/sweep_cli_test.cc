// Proves `faultline sweep` and `faultline shrink` end to end by running the real binary in a
// temporary directory: bad arguments get clear errors and exit 2; a sweep of a passing scenario
// exits 0 with a summary table, sweep.json and an index; a sweep of the built-in buggy selftest
// exits 1 and prints every failing seed with its reproduce command (which, run again, fails the
// same way); each deliberately broken backend's scenario, and each saga known-bug variant that
// has a TOML form, fails within a few seeds, and shrink reduces that failure (a smaller
// reproduction, same failure, within its run budget).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/binary.h"

namespace {
namespace fs = std::filesystem;

using fl::test::Ran;
using fl::test::read_json;

Ran faultline(const std::string& args) { return fl::test::run_binary(FAULTLINE_BIN, args); }

class SweepCli : public ::testing::Test {
 protected:
  void SetUp() override { dir = fl::test::fresh_test_dir("fl-sweep-"); }
  void TearDown() override { fs::remove_all(dir); }
  std::string out(const std::string& name) const { return (dir / name).string(); }
  fs::path dir;
};

TEST_F(SweepCli, BadArgumentsAreRefusedClearly) {
  struct Case {
    std::string args, must_say;
  };
  const Case cases[] = {
      {"sweep", "scenario is required"},
      {"sweep selftest", "give exactly one of --seeds A..B and --from S"},
      {"sweep selftest --seeds 5..1", "A <= B"},
      {"sweep selftest --seeds x", "--seeds takes A..B"},
      {"sweep selftest --seeds 1..2 --jobs 0", "--jobs: Value 0 not in range 1 to 256"},
      {"sweep selftest --seeds 1..2 --mode moon", "--mode: moon not in {sim,real}"},
      {"sweep selftest --seeds 1..2 --bogus", "argument was not expected: --bogus"},
      {"sweep selftest --seeds 1..2 --set nokey", "--set takes key=value"},
      {"sweep no-such-scenario --seeds 1..2 --out " + out("x"), "unknown scenario"},
      {"shrink", "out-dir is required"},
      {"shrink " + out("nothing-here"), "cannot read"},
      {"shrink a b", "argument was not expected: b"},
  };
  for (const auto& c : cases) {
    const Ran r = faultline(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.must_say), std::string::npos) << c.args << "\n" << r.output;
  }
}

TEST_F(SweepCli, PassingSweepSummarisesAndIndexes) {
  const Ran r = faultline("sweep selftest --seeds 1..4 --jobs 2 --out " + out("s"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("pass          4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("seeds/hour"), std::string::npos);
  EXPECT_NE(r.output.find("4/4 seeds"), std::string::npos) << "progress line";
  const nlohmann::json sweep = read_json(dir / "s" / "sweep.json");
  ASSERT_TRUE(sweep.is_object());
  EXPECT_EQ(sweep["summary"]["pass"], 4);
  EXPECT_EQ(sweep["seeds"].size(), 4u);
  EXPECT_TRUE(fs::exists(dir / "s" / "index.html"));
  for (int seed = 1; seed <= 4; ++seed) {
    EXPECT_TRUE(fs::exists(dir / "s" / std::to_string(seed) / "results.json")) << seed;
  }
  // Peak memory: each seed's child's ru_maxrss (a faultline process holds more than 1 MiB), and
  // the summary's peak is their maximum.
  EXPECT_NE(r.output.find("peak memory"), std::string::npos);
  long peak = 0;
  for (const auto& seed : sweep["seeds"]) {
    EXPECT_GT(seed["max_rss_kb"].get<long>(), 1024) << seed.dump();
    peak = std::max(peak, seed["max_rss_kb"].get<long>());
  }
  EXPECT_EQ(sweep["summary"]["peak_rss_kb"].get<long>(), peak);
  // The main job's dashboard over this sweep (what .ci/main-job writes after its sweeps).
  std::ofstream(dir / "main-job.json")
      << R"({"build": "b1", "scenarios": [{"name": "selftest", "dir": "s", "expect": "pass",)"
      << R"( "verdict": "ok", "ok": true}]})";
  const Ran d = faultline("report --main-job " + dir.string());
  ASSERT_EQ(d.code, 0) << d.output;
  std::ifstream in(dir / "index.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("href=\"s/index.html\""), std::string::npos) << html;
  EXPECT_NE(html.find("MiB"), std::string::npos) << "peak memory column";
}

TEST_F(SweepCli, FailingSeedsComeWithTheirReproduceCommand) {
  const Ran r = faultline("sweep selftest-bug-stale-reply --seeds 1..3 --jobs 2 --out " + out("b"));
  ASSERT_EQ(r.code, 1) << r.output;
  const std::string marker = "fail: seed ";
  const std::size_t at = r.output.find(marker);
  ASSERT_NE(at, std::string::npos) << r.output;
  const std::size_t cmd_at = r.output.find("faultline run ", at);
  const std::string command = r.output.substr(cmd_at, r.output.find('\n', cmd_at) - cmd_at);
  EXPECT_NE(command.find("--seed"), std::string::npos);
  const Ran again =
      faultline(command.substr(std::string("faultline ").size()) + " --out " + out("again"));
  EXPECT_EQ(again.code, 1) << command << "\n" << again.output;
}

// Whether a process whose command line mentions `text` still runs (zombies excepted).
bool process_mentioning(const std::string& text) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::ifstream cmd(e.path() / "cmdline");
    std::string line;
    std::getline(cmd, line, '\0');
    std::string all((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    if ((line + all).find(text) == std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string s;
    std::getline(stat, s);
    const auto close = s.rfind(')');
    if (close != std::string::npos && s.size() > close + 2 && s[close + 2] != 'Z') return true;
  }
  return false;
}

// SIGINT to the sweep process alone: it stops its children and writes what it has.
TEST_F(SweepCli, InterruptedSweepStopsItsChildrenAndWritesAPartialSummary) {
  const std::string dir = out("interrupted");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(FAULTLINE_BIN, "faultline", "sweep", "saga", "--seeds", "1..400", "--jobs", "2",
            "--out", dir.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 300 && !fs::exists(fs::path(dir) / "3" / "results.json"); ++i) {
    ::usleep(50 * 1000);
  }
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 3);
  const nlohmann::json sweep = read_json(fs::path(dir) / "sweep.json");
  ASSERT_TRUE(sweep.is_object());
  EXPECT_EQ(sweep["summary"]["interrupted"], true);
  // Seed 3 started after seed 1 or 2 was reaped; its own results.json (what the wait saw) is
  // written before its process ends, so it may be among the stopped ones.
  EXPECT_GE(sweep["seeds"].size(), 1u);
  EXPECT_LT(sweep["seeds"].size(), 400u);
  EXPECT_TRUE(fs::exists(fs::path(dir) / "index.html"));
  EXPECT_FALSE(process_mentioning(dir)) << "a child of the sweep outlived it";
}

// Sweeps a broken-mode scenario; returns the out-dir of its first failing seed ("" if none).
std::string first_failure(const std::string& scenario, const std::string& out_dir,
                          const std::string& seeds, Ran* r) {
  *r = faultline("sweep " + scenario + " --seeds " + seeds + " --jobs 2 --out " + out_dir);
  const nlohmann::json sweep = read_json(fs::path(out_dir) / "sweep.json");
  if (!sweep.is_object()) return "";
  for (const auto& s : sweep["seeds"]) {
    if (s["result"] == "fail") return (fs::path(out_dir) / s["dir"].get<std::string>()).string();
  }
  return "";
}

void expect_caught_and_shrunk(const std::string& scenario, const std::string& out_dir,
                              const std::string& seeds = "1..5") {
  Ran r;
  const std::string failing = first_failure(scenario, out_dir, seeds, &r);
  ASSERT_EQ(r.code, 1) << "the broken system must fail within seeds " << seeds << "\n" << r.output;
  ASSERT_FALSE(failing.empty());
  fl::test::expect_shrunk(FAULTLINE_BIN, failing, 12);
}

TEST_F(SweepCli, SerializableWithoutValidationIsCaughtAndShrunk) {
  expect_caught_and_shrunk("bug-serializable-without-validation", out("ssi"));
}

TEST_F(SweepCli, KafkaCommitBeforeProcessingIsCaughtAndShrunk) {
  expect_caught_and_shrunk("bug-kafka-commit-before-processing", out("kafka"));
}

TEST_F(SweepCli, ReplicaReadsAsPrimaryIsCaughtAndShrunk) {
  expect_caught_and_shrunk("bug-replica-reads-as-primary", out("replica"));
}

// The saga system's known bugs as TOML variants of saga-orders (docs/known-bugs.md).
TEST_F(SweepCli, SagaWithoutInboxDedupIsCaughtAndShrunk) {
  expect_caught_and_shrunk("saga-orders-bug-no-inbox-dedup", out("inbox"), "1..10");
}

TEST_F(SweepCli, SagaRefundWithoutKeyIsCaughtAndShrunk) {
  expect_caught_and_shrunk("saga-orders-bug-refund-without-key", out("refund"), "1..10");
}

TEST_F(SweepCli, SagaCompensateUncheckedIsCaughtAndShrunk) {
  expect_caught_and_shrunk("saga-orders-bug-compensate-unchecked", out("compensate"), "1..10");
}

// Needs link faults on the orchestrator's PostgreSQL connection (a ServiceLink): a slow COMMIT
// leg is the window in which a kill loses a saga whose command was already produced.
TEST_F(SweepCli, SagaOutboxOutsideTxnIsCaughtAndShrunk) {
  expect_caught_and_shrunk("saga-orders-bug-outbox-outside-txn", out("outbox"), "1..10");
}

// The orchestrator's Redis entries written before COMMIT: a lost COMMIT leaves a retried start
// answered from Redis for a saga that does not exist.
TEST_F(SweepCli, SagaCacheBeforeCommitIsCaughtAndShrunk) {
  expect_caught_and_shrunk("saga-orders-bug-cache-before-commit", out("cache"), "1..10");
}

}  // namespace
