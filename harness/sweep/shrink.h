// A shrink (`faultline shrink <out-dir> [--budget N]`, parsed by cli/): minimises a failing run.
// Reads <out-dir>/ results.json (scenario, seed, mode, --set overrides, checks), finds the
// scenario's knobs (chaos duration, each workload's concurrency, operation limit and key count,
// each nemesis' number and length of faults, the fault kinds of a mix), and searches
// (shrink_search.h) for the smallest values that still give the same failure on the same seed,
// re-running `faultline run` as a child process with --set overrides, at most N runs (default 40).
// Prints the smallest reproduction command and writes <out-dir>/shrink.json and the diff page
// <out-dir>/shrink.html (reports/report.h; the run's report.html and, for a seed of a sweep, the
// sweep's index.html are rewritten to link to it); the smallest run's files are in
// <out-dir>/shrink/<n>/. Exit code: 0 when a reproduction was found (the original one
// counts), 2 on bad arguments or a run that did not fail, 3 if the harness failed.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "harness/sweep/shrink_search.h"

namespace fl::harness {

// The knobs of a scenario file with overrides, from its spec and the failing run's history
// (the operations and faults it actually performed bound the limits). Returns "" or an error.
std::string scenario_knobs(const std::string& scenario, const std::vector<std::string>& overrides,
                           const std::string& run_dir, std::vector<Knob>* out);

constexpr int kDefaultShrinkBudget = 40;

struct ShrinkArgs {
  std::string dir;  // the failing run's directory
  int budget = kDefaultShrinkBudget;
};

// Shrinks the run in args.dir (see above). Returns the exit code.
int run_shrink(const ShrinkArgs& args, std::ostream& out, std::ostream& err);

}  // namespace fl::harness
