// The `faultline` command's sub-commands (main.cc dispatches on the first word). Each parses its
// own arguments with CLI11 through parse_command() (args.h) and returns the process exit code
// (harness/result.h): 0 pass / valid / ok, 1 a check failed, 2 bad usage or bad input (with a
// message on err), 3 the harness itself failed.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "harness/result.h"

namespace fl::cli {

using harness::kExitFail;
using harness::kExitHarness;
using harness::kExitPass;
using harness::kExitUsage;

using Args = std::vector<std::string>;

int cmd_run(const Args& args, std::ostream& out, std::ostream& err);
int cmd_replay(const Args& args, std::ostream& out, std::ostream& err);
int cmd_list(const Args& args, std::ostream& out, std::ostream& err);
int cmd_sweep(const Args& args, std::ostream& out, std::ostream& err);
int cmd_merge(const Args& args, std::ostream& out, std::ostream& err);
int cmd_shrink(const Args& args, std::ostream& out, std::ostream& err);
int cmd_check(const Args& args, std::ostream& out, std::ostream& err);
int cmd_report(const Args& args, std::ostream& out, std::ostream& err);
int cmd_bench(const Args& args, std::ostream& out, std::ostream& err);
int cmd_serve(const Args& args, std::ostream& out, std::ostream& err);

// The benchmarks (bench_*.cc), after `faultline bench <name>`.
int bench_sim(const Args& args, std::ostream& out, std::ostream& err);
int bench_pg(const Args& args, std::ostream& out, std::ostream& err);
int bench_events(const Args& args, std::ostream& out, std::ostream& err);
int bench_checkers(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace fl::cli
