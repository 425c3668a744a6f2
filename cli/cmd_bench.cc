// `faultline bench <name> [options]`: the project's benchmarks (sim, pg, events, checkers:
// bench_*.cc) and those a composition registers (compose/bench.h, e.g. sync-merges), each of
// which prints its figures beside a baseline measured in the same process (docs/benchmarks.md).
#include "cli/args.h"
#include "cli/cli.h"
#include "compose/bench.h"
#include "system/io/assert.h"

namespace fl::cli {

int cmd_bench(const Args& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> names = {"sim", "pg", "events", "checkers"};
  for (const auto& n : compose::benchmark_names()) names.push_back(n);
  std::string listed;
  for (const auto& n : names) listed += (listed.empty() ? "" : " | ") + n;
  CLI::App app{"Benchmarks: " + listed + " (faultline bench <name> --help).", "bench"};
  app.prefix_command();  // the benchmark's own options follow its name
  std::string name;
  app.add_option("benchmark", name, listed)->required()->check(CLI::IsMember(names));
  if (auto code = parse_command(app, args, out, err)) return *code;
  const Args rest = app.remaining();
  if (name == "sim") return bench_sim(rest, out, err);
  if (name == "pg") return bench_pg(rest, out, err);
  if (name == "events") return bench_events(rest, out, err);
  if (name == "checkers") return bench_checkers(rest, out, err);
  const compose::BenchmarkInfo* b = compose::find_benchmark(name);
  FL_ASSERT(b != nullptr);
  return b->run(rest, out, err);
}

}  // namespace fl::cli
