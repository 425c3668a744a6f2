// Which seeds one part of a sweep runs. A sweep covers either a range A..B (`--seeds`) or an
// open-ended stream of seeds drawn from a start seed S (`--from S`, the continuous mode); either
// is split into N disjoint parts (`--shard I/N`): part I runs the seeds at positions k with
// k mod N == I. A range's k-th seed is A + k; a stream's k-th seed is splitmix64(S + k * 2^64/phi)
// (splitmix64's own sequence from state S), a bijection of k, so no two positions of one stream
// share a seed and parts never overlap. The same plan always yields the same seeds: a part can be
// re-run, and `merge` knows which seeds a range's parts should have covered.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace fl::harness {

struct Shard {
  static constexpr std::uint64_t kMaxParts = 100'000;
  std::uint64_t index = 0;  // 0-based: 0 .. count-1
  std::uint64_t count = 1;
  std::string source;  // "" given explicitly, else the environment variable it came from
};

// Parses "I/N" (0 <= I < N <= kMaxParts) or "auto/N" (shard->source = "auto": resolve it with
// resolve_auto_shard). Returns "" or why not.
std::string parse_shard(const std::string& text, Shard* shard);

// Resolves an "auto/N" shard from the engine's environment, first set wins:
//   SLURM_ARRAY_TASK_ID    used as given (submit with --array=0-(N-1))
//   JOB_COMPLETION_INDEX   a Kubernetes Indexed Job's index, 0-based (completions: N)
//   PARALLEL_SEQ           GNU parallel's job number, 1-based (index = PARALLEL_SEQ - 1)
// `env` looks a variable up (nullptr when unset). Returns "" or why not (none set, not a number,
// or an index outside 0..N-1).
std::string resolve_auto_shard(const std::function<const char*(const char*)>& env, Shard* shard);

// Parses a duration: a whole number with an optional unit s, m, h or d ("90", "30m", "8h"), at
// most 30 days. Returns "" or why not.
std::string parse_duration(const std::string& text, double* seconds);

// The seeds of one part, in order.
class SeedPlan {
 public:
  // A range first..last (first <= last).
  static SeedPlan range(std::uint64_t first, std::uint64_t last, const Shard& shard);
  // The stream drawn from `start`, at most `max_seeds` positions long (a named limit).
  static SeedPlan drawn(std::uint64_t start, std::uint64_t max_positions, const Shard& shard);

  // The next seed of this part into *seed; false when the part has none left.
  bool next(std::uint64_t* seed);
  // How many seeds this part has in all (a stream: its limit's share).
  std::uint64_t size() const;
  bool is_range() const { return range_; }
  // {"kind":"range","first_seed","last_seed"} or {"kind":"drawn","from","max_positions"}.
  nlohmann::json describe() const;

  // The k-th seed of the stream drawn from `start`.
  static std::uint64_t draw(std::uint64_t start, std::uint64_t k);

 private:
  bool range_ = true;
  std::uint64_t first_ = 0, positions_ = 0;  // the range's first seed or the stream's start
  Shard shard_;
  std::uint64_t k_ = 0;  // the next position of this part
};

}  // namespace fl::harness
