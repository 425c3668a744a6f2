// Flaky or not: `merge` re-runs, on this machine, every failing seed and an evenly spaced sample
// of the others, and compares each new trace hash with the one the part recorded. A seed that
// does not replay is nondeterminism (in the harness, the simulator or the system's use of the
// seam), not a bug the seed found: its verdict becomes "unknown" with a problem saying so.
// Replays need this binary to be the parts' build and the same scenario file; otherwise they are
// skipped with a note (not an error). Simulation only: real-mode runs have no trace hash.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace fl::harness {

struct ReplayPlan {
  static constexpr std::size_t kMaxFailing = 32;  // failing seeds replayed at most
  static constexpr std::size_t kMaxSample = 1000;
  std::size_t sample = 4;  // other seeds replayed, evenly spaced
  std::string out_dir;     // replays go to out_dir/replay/<seed>/
};

// Replays seeds of `merged` (a merged sweep.json, modified in place: a seed that did not replay
// becomes "unknown", is added to "nondeterministic_seeds", and "replayed" lists every replay).
// Prints one line per replay that differs and a summary line on `out`. Returns how many seeds
// did not replay.
std::size_t replay_sample(const ReplayPlan& plan, nlohmann::json* merged, std::ostream& out);

}  // namespace fl::harness
