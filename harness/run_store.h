// One run of a scenario as `faultline run` does it: run the seed, write its run directory
// (store/<scenario>/<seed>/ or --out: results.json with the checks, problems, drawn faults and the
// reproduce command; history.jsonl; trace.txt; report.html), and print the summary ending in
// `seed:`, `trace-hash:` and `result:` lines. Also `replay` of a recorded run and `list`.
#pragma once

#include <ostream>
#include <string>

#include "harness/result.h"

namespace fl::harness {

struct RunArgs {
  RunOptions options;
  std::string out_dir;  // "" = store/<scenario stem>/<seed>
};

// The command that reproduces a run.
std::string reproduce_command(const RunOptions& options);

// FNV-1a of the scenario file's bytes as 16 hex digits ("" if it cannot be read): a replay tells
// a changed scenario from nondeterminism by it, and `merge` refuses parts of different files.
std::string scenario_file_hash(const std::string& scenario);

// Runs `run` (a scenario name or file), writes its directory and prints the summary. Returns the
// exit code (kExitUsage with a message on err for a scenario that cannot run as given).
// `result_out` (optional) receives the result.
int execute_run(RunArgs& run, std::ostream& out, std::ostream& err, RunResult* result_out);

// Re-runs the run recorded in `run_dir` into run_dir/replay and compares trace hashes: a
// mismatch is nondeterminism (kExitHarness).
int replay_run(const std::string& run_dir, std::ostream& out, std::ostream& err);

// Prints every shipped scenario: name, modes, description, file (or why it is invalid).
int list_scenarios(std::ostream& out);

}  // namespace fl::harness
