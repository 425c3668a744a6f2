// A sweep (`faultline sweep <scenario> --seeds A..B [--jobs N] [--mode sim|real] [--set k=v ...]
//  [--out DIR]`, parsed by cli/): runs every seed of A..B as a child `faultline run` process (fork
//  + exec, at most
// N at a time), shows progress on stderr (seeds done, seeds/s, failures so far), then prints a
// summary table (pass / fail / unknown, wall time, seeds/hour) and every failing seed with the
// exact command that reproduces it, and writes DIR/sweep.json and DIR/index.html. Seed s writes
// DIR/<s>/ (results.json, history, report; the child's output in DIR/<s>/run.log). DIR defaults
// to store/<scenario stem>. Exit code: 0 only if every seed passed; 1 if any failed; 3 if none
// failed but some were unknown or the harness failed; 2 on bad arguments (or a scenario the run
// command rejects: the first child's message is shown). Interrupted (SIGINT or SIGTERM to the
// sweep): the running seeds are stopped (SIGTERM, then SIGKILL after 5 s), and the summary,
// sweep.json ("interrupted": true, the seeds stopped) and the index cover the seeds done; exit 3
// unless one of them failed (1). A second signal ends the sweep at once.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace fl::harness {

struct SweepArgs {
  static constexpr std::uint64_t kMaxSeeds = 10'000'000;
  static constexpr int kMaxJobs = 256;
  std::string scenario;
  std::uint64_t first_seed = 0, last_seed = 0;
  int jobs = 1;
  std::string mode = "sim";
  std::vector<std::string> overrides;  // --set values, in order
  std::string out_dir;
};

// Parses "A..B" into args->first_seed, last_seed (A <= B, at most kMaxSeeds seeds). "" or why not.
std::string parse_seed_range(const std::string& text, SweepArgs* args);

// Runs the sweep (out_dir "" = store/<scenario stem>). Returns the exit code (see above).
int run_sweep(SweepArgs args, std::ostream& out, std::ostream& err);

}  // namespace fl::harness
