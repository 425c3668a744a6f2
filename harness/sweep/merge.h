// `faultline merge DIR... [--out DIR]` (parsed by cli/): joins the parts of a sharded sweep
// (each DIR a part's sweep directory, as `faultline sweep --shard` wrote it, gathered from
// wherever it ran) into one sweep: one summary table on stdout, one OUT/sweep.json and one
// OUT/index.html (reports/'s sweep index, linking each seed to its run under its part's
// directory). Parts must share build id, scenario file hash, scenario, mode, --set values and
// seed plan (merge_parts.h), or nothing is written. It reports the seeds of a range that no part
// ran (missing), seeds that several parts ran (duplicated), and duplicates whose verdicts or
// trace hashes differ (nondeterministic). Then it re-runs every failing seed and a sample of the
// others on this machine (merge_replay.h): a seed whose trace hash does not repeat is reported as
// nondeterminism, its verdict unknown. OUT defaults to store/<scenario stem>-merged.
//
// Exit code as `sweep`: 0 every seed of the plan ran and passed; 1 a seed failed; 3 none failed
// but a seed was unknown, missing or nondeterministic, or a part was interrupted; 2 bad
// arguments or a part that cannot be read or merged (with a message).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace fl::harness {

struct MergeArgs {
  static constexpr std::size_t kMaxParts = 10'000;
  std::vector<std::string> dirs;
  bool replay = true;             // re-run failing seeds and a sample here (merge_replay.h)
  std::size_t replay_sample = 4;  // how many non-failing seeds the sample holds
  std::string out_dir;            // "" = store/<scenario stem>-merged
};

int run_merge(const MergeArgs& args, std::ostream& out, std::ostream& err);

}  // namespace fl::harness
