// `faultline sweep` and `shrink`: argument parsing; the work is harness/sweep/'s.
#include "cli/args.h"
#include "cli/cli.h"
#include "harness/sweep/shrink.h"
#include "harness/sweep/sweep.h"

namespace fl::cli {

int cmd_sweep(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Runs seeds A..B of a scenario in child processes; summary, sweep.json, index.html.",
               "sweep"};
  harness::SweepArgs sweep;
  std::string seeds;
  app.add_option("scenario", sweep.scenario, "a scenario name or a .toml file")->required();
  app.add_option("--seeds", seeds, "A..B: the seeds to run")->required();
  app.add_option("--jobs", sweep.jobs, "parallel child processes (1..256, default 1)")
      ->check(CLI::Range(1, harness::SweepArgs::kMaxJobs));
  app.add_option("--mode", sweep.mode, "sim (default) or real")
      ->check(CLI::IsMember({"sim", "real"}));
  app.add_option("--set", sweep.overrides, "key=value: override a scenario file key")->take_all();
  app.add_option("--out", sweep.out_dir, "the sweep directory (default store/<scenario>)");
  if (auto code = parse_command(app, args, out, err)) return *code;
  if (std::string e = harness::parse_seed_range(seeds, &sweep); !e.empty()) {
    return usage_error(app, e, err);
  }
  for (const auto& o : sweep.overrides) {
    if (o.find('=') == std::string::npos) {
      return usage_error(app, "--set takes key=value, not '" + o + "'", err);
    }
  }
  return harness::run_sweep(std::move(sweep), out, err);
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
