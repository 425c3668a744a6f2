// `faultline sweep`, `merge` and `shrink`: argument parsing; the work is harness/sweep/'s.
#include <cstdlib>

#include "cli/args.h"
#include "cli/cli.h"
#include "harness/sweep/merge.h"
#include "harness/sweep/merge_replay.h"
#include "harness/sweep/shrink.h"
#include "harness/sweep/sweep.h"

namespace fl::cli {
namespace {

// Checks and resolves what the sweep options say about which seeds to run; "" or why not.
std::string resolve_plan(const std::string& seeds, const std::string& from,
                         const std::string& shard, const std::string& duration,
                         harness::SweepArgs* sweep) {
  if (seeds.empty() == from.empty()) return "give exactly one of --seeds A..B and --from S";
  if (!seeds.empty()) {
    if (std::string e = harness::parse_seed_range(seeds, sweep); !e.empty()) return e;
  }
  if (!from.empty() && !harness::parse_u64(from, &sweep->draw_start)) {
    return "--from takes a whole number 0..2^64-1, not '" + from + "'";
  }
  sweep->drawn = !from.empty();
  if (!shard.empty()) {
    if (std::string e = harness::parse_shard(shard, &sweep->shard); !e.empty()) return e;
    if (sweep->shard.source == "auto") {
      std::string e =
          harness::resolve_auto_shard([](const char* n) { return std::getenv(n); }, &sweep->shard);
      if (!e.empty()) return e;
    }
  }
  if (!duration.empty()) return harness::parse_duration(duration, &sweep->duration_s);
  return "";
}

}  // namespace

int cmd_sweep(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "Runs seeds A..B (or seeds drawn from S) of a scenario in child processes; "
      "summary, sweep.json, index.html.",
      "sweep"};
  harness::SweepArgs sweep;
  std::string seeds, from, shard, duration;
  app.add_option("scenario", sweep.scenario, "a scenario name or a .toml file")->required();
  app.add_option("--seeds", seeds, "A..B: the seeds to run");
  app.add_option("--from", from,
                 "S: draw fresh seeds from start seed S (continuous mode; stop with "
                 "--until-fail, --duration or Ctrl-C)");
  app.add_option("--shard", shard,
                 "I/N: run only part I (0-based) of N disjoint parts; auto/N: I from "
                 "SLURM_ARRAY_TASK_ID (as given), JOB_COMPLETION_INDEX (0-based) or "
                 "PARALLEL_SEQ (1-based)");
  app.add_flag("--until-fail", sweep.until_fail, "stop launching seeds after the first failure");
  app.add_option("--duration", duration, "D: stop launching seeds after D (90s, 30m, 8h, 2d)");
  app.add_option("--jobs", sweep.jobs, "parallel child processes (1..256, default 1)")
      ->check(CLI::Range(1, harness::SweepArgs::kMaxJobs));
  app.add_option("--mode", sweep.mode, "sim (default) or real")
      ->check(CLI::IsMember({"sim", "real"}));
  app.add_option("--set", sweep.overrides, "key=value: override a scenario file key")->take_all();
  app.add_option("--out", sweep.out_dir, "the sweep directory (default store/<scenario>)");
  if (auto code = parse_command(app, args, out, err)) return *code;
  if (std::string e = resolve_plan(seeds, from, shard, duration, &sweep); !e.empty()) {
    return usage_error(app, e, err);
  }
  for (const auto& o : sweep.overrides) {
    if (o.find('=') == std::string::npos) {
      return usage_error(app, "--set takes key=value, not '" + o + "'", err);
    }
  }
  return harness::run_sweep(std::move(sweep), out, err);
}

int cmd_merge(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "Joins the parts of a sharded sweep: one summary, sweep.json and index.html; "
      "reports missing, duplicated and nondeterministic seeds.",
      "merge"};
  harness::MergeArgs merge;
  app.add_option("dirs", merge.dirs, "the parts' sweep directories")->required();
  app.add_option("--out", merge.out_dir, "the merged directory (default store/<scenario>-merged)");
  app.add_option("--replay", merge.replay_sample,
                 "re-run every failing seed and this many others here, comparing trace hashes "
                 "(default 4)")
      ->check(CLI::Range(std::size_t{0}, harness::ReplayPlan::kMaxSample));
  bool no_replay = false;
  app.add_flag("--no-replay", no_replay, "re-run nothing (another build, or no time)");
  if (auto code = parse_command(app, args, out, err)) return *code;
  if (merge.dirs.size() > harness::MergeArgs::kMaxParts) {
    return usage_error(app, "at most " + std::to_string(harness::MergeArgs::kMaxParts) + " parts",
                       err);
  }
  merge.replay = !no_replay;
  return harness::run_merge(merge, out, err);
}

int cmd_shrink(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Minimises a failing run: fewer faults, shorter, fewer clients, ops and keys.",
               "shrink"};
  harness::ShrinkArgs shrink;
  app.add_option("out-dir", shrink.dir, "the failing run's directory")->required();
  app.add_option("--budget", shrink.budget, "at most this many runs (default 40)")
      ->check(CLI::Range(1, harness::kMaxShrinkBudget));
  if (auto code = parse_command(app, args, out, err)) return *code;
  return harness::run_shrink(shrink, out, err);
}

}  // namespace fl::cli
