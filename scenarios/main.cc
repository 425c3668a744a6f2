// faultline: the composition root's command line.
#include <iostream>
#include <string>
#include <vector>

#include "scenarios/cli.h"
#include "scenarios/cmd_report.h"
#include "scenarios/serve.h"
#include "scenarios/shrink.h"
#include "scenarios/sweep.h"

namespace {

constexpr const char* kUsage =
    "usage: faultline <command> [options]\n"
    "commands:\n"
    "  run <scenario> [--seed N] [--mode sim|real] [--out DIR]   run one seed\n"
    "  sweep <scenario> --seeds A..B [--jobs N] [--mode M] [--set k=v] [--out DIR]\n"
    "                                                            run many seeds in parallel\n"
    "  shrink <out-dir> [--budget RUNS]                          minimise a failing run\n"
    "  replay <out-dir>                                          re-run a recorded run, compare\n"
    "  list                                                      list runnable scenarios\n"
    "  check <history> [--model M] [--format F]                  judge a history file\n"
    "  report <run-dir>                                          write the run's report.html\n"
    "  bench sim|checkers                                        benchmarks\n"
    "  serve [saga|inventory|payment|notification|all] [--port-base N] [--pg C] [--redis U]\n"
    "        [--kafka B|mock]                                    run the services (production)\n";

}  // namespace

#ifdef FL_HAVE_CHECKERS
#include "checkers/cli.h"
#endif

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cerr << kUsage;
    return args.empty() ? fl::scenarios::kExitUsage : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  using namespace fl::scenarios;
  if (command == "run") return cmd_run(args, std::cout, std::cerr);
  if (command == "sweep") return cmd_sweep(args, std::cout, std::cerr);
  if (command == "shrink") return cmd_shrink(args, std::cout, std::cerr);
  if (command == "replay") return cmd_replay(args, std::cout, std::cerr);
  if (command == "list") return cmd_list(args, std::cout, std::cerr);
  if (command == "report") return cmd_report(args, std::cout, std::cerr);
  if (command == "bench") return cmd_bench(args, std::cout, std::cerr);
  if (command == "serve") return cmd_serve(args, std::cout, std::cerr);
#ifdef FL_HAVE_CHECKERS
  if (command == "check") return fl::checkers::check_command(args, std::cout, std::cerr);
#endif
  std::cerr << "faultline: unknown command '" << command << "'\n" << kUsage;
  return kExitUsage;
}
