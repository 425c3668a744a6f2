// A sweep (`faultline sweep <scenario> (--seeds A..B | --from S) [--shard I/N|auto/N]
//  [--until-fail] [--duration D] [--jobs N] [--mode sim|real] [--set k=v ...] [--out DIR]`,
// parsed by cli/): runs every seed of this part of the plan (seed_plan.h: the range A..B, or the
// stream drawn from S, split into N disjoint parts) as a child `faultline run` process (fork +
// exec, at most N at a time), shows progress on stderr (seeds done, seeds/s, failures so far)
// and each new failure as it comes ("new failure: seed S: <reproduce>"), then prints a summary
// table (pass / fail / unknown, wall time, seeds/hour) and every failing seed with the exact
// command that reproduces it, and writes DIR/sweep.json and DIR/index.html. sweep.json records
// the binary's build id, the scenario file's hash, the plan and the shard, and per seed its
// verdict, trace hash and reproduce command, so that `faultline merge` can join the parts. Seed s
// writes DIR/<s>/ (results.json, history, report; the child's output in DIR/<s>/run.log). DIR
// defaults to store/<scenario stem>.
//
// It stops launching seeds when the part has none left, after the first failure with
// --until-fail, or once --duration has passed (the running seeds finish); sweep.json's
// "stopped_by" says which. Exit code: 0 only if every seed passed; 1 if any failed; 3 if none
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

#include "harness/sweep/seed_plan.h"

namespace fl::harness {

struct SweepArgs {
  static constexpr std::uint64_t kMaxSeeds = 10'000'000;
  static constexpr int kMaxJobs = 256;
  std::string scenario;
  std::uint64_t first_seed = 0, last_seed = 0;
  bool drawn = false;  // --from: seeds drawn from draw_start instead of the range
  std::uint64_t draw_start = 0;
  Shard shard;              // resolved (never "auto" here)
  bool until_fail = false;  // stop launching after the first failure
  double duration_s = 0;    // stop launching after this long; 0 = no limit
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
