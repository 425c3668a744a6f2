// `faultline bench sim|pg|events|checkers [options]`: dispatches to the benchmark (bench_*.cc), each of
// which prints its figures beside a baseline measured in the same process (docs/benchmarks.md).
#include "cli/args.h"
#include "cli/cli.h"

namespace fl::cli {

int cmd_bench(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Benchmarks: sim, pg, events, checkers (faultline bench <name> --help).", "bench"};
  app.prefix_command();  // the benchmark's own options follow its name
  std::string name;
  app.add_option("benchmark", name, "sim | pg | events | checkers")
      ->required()
      ->check(CLI::IsMember({"sim", "pg", "events", "checkers"}));
  if (auto code = parse_command(app, args, out, err)) return *code;
  const Args rest = app.remaining();
  if (name == "sim") return bench_sim(rest, out, err);
  if (name == "pg") return bench_pg(rest, out, err);
  if (name == "events") return bench_events(rest, out, err);
  return bench_checkers(rest, out, err);
}

}  // namespace fl::cli
