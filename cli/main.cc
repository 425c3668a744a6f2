// faultline: the command line. Each sub-command lives in cli/cmd_*.cc.
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace {

using Command = int (*)(const fl::cli::Args&, std::ostream&, std::ostream&);

struct Entry {
  const char* name;
  Command run;
  const char* summary;
};

constexpr Entry kCommands[] = {
    {"run", fl::cli::cmd_run, "run one seed of a scenario (--seed N --mode sim|real --out DIR)"},
    {"sweep", fl::cli::cmd_sweep, "run many seeds in parallel (--seeds A..B --jobs N --shard I/N)"},
    {"merge", fl::cli::cmd_merge, "join the parts of a sharded sweep (DIR... --out DIR)"},
    {"shrink", fl::cli::cmd_shrink, "minimise a failing run (<out-dir> --budget RUNS)"},
    {"replay", fl::cli::cmd_replay, "re-run a recorded run and compare its trace hash"},
    {"list", fl::cli::cmd_list, "list the scenarios"},
    {"check", fl::cli::cmd_check, "judge a history file (JSON lines, Jepsen EDN, Porcupine)"},
    {"report", fl::cli::cmd_report, "write a run directory's report.html"},
    {"bench", fl::cli::cmd_bench, "benchmarks: sim | pg | events | checkers | sync-merges"},
    {"serve", fl::cli::cmd_serve, "run services in production (saga, inventory, ..., all)"},
};

void usage(std::ostream& out) {
  out << "usage: faultline <command> [options]   (faultline <command> --help for its options)\n"
      << "commands:\n";
  for (const auto& c : kCommands) {
    out << "  " << c.name << std::string(10 - std::string(c.name).size(), ' ') << c.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    usage(std::cerr);
    return args.empty() ? fl::cli::kExitUsage : fl::cli::kExitPass;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  for (const auto& c : kCommands) {
    if (command == c.name) return c.run(args, std::cout, std::cerr);
  }
  std::cerr << "faultline: unknown command '" << command << "'\n";
  usage(std::cerr);
  return fl::cli::kExitUsage;
}
