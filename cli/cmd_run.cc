// `faultline run`, `replay` and `list`: argument parsing; the work is harness/run_store.h's.
#include "cli/args.h"
#include "cli/cli.h"
#include "harness/run_store.h"

namespace fl::cli {

int cmd_run(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Runs one seed of a scenario: chaos, heal, final reads, checks.", "run"};
  harness::RunArgs run;
  std::string seed = "1";
  app.add_option("scenario", run.options.scenario, "a scenario name (faultline list) or a .toml")
      ->required();
  app.add_option("--seed", seed, "the run's seed, 0..2^64-1 (default 1)");
  app.add_option("--mode", run.options.mode, "sim (default) or real")
      ->check(CLI::IsMember({"sim", "real"}));
  app.add_option("--out", run.out_dir, "the run directory (default store/<scenario>/<seed>)");
  app.add_option("--set", run.options.overrides, "key=value: override a scenario file key")
      ->take_all();
  if (auto code = parse_command(app, args, out, err)) return *code;
  if (!harness::parse_u64(seed, &run.options.seed)) {
    return usage_error(
        app, "--seed takes a whole number from 0 to 18446744073709551615, not '" + seed + "'", err);
  }
  return harness::execute_run(run, out, err, nullptr);
}

int cmd_replay(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Re-runs a recorded run and compares the trace hash (a mismatch: exit 3).",
               "replay"};
  std::string dir;
  app.add_option("out-dir", dir, "the recorded run's directory (with results.json)")->required();
  if (auto code = parse_command(app, args, out, err)) return *code;
  return harness::replay_run(dir, out, err);
}

int cmd_list(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Lists the scenarios: name, modes, description, file.", "list"};
  if (auto code = parse_command(app, args, out, err)) return *code;
  return harness::list_scenarios(out);
}

}  // namespace fl::cli
