// Random: seeded, reproducible pseudo-random streams (xoshiro256**, seeded through SplitMix64).
// Every component forks its own child stream from the run's seed, so adding a draw in one
// component does not shift the draws of another. Bounded draws are our own (Lemire's method):
// std::uniform_*_distribution differ between standard libraries and are banned.
#pragma once

#include <cstdint>
#include <string_view>

namespace fl::io {

class Random {
 public:
  explicit Random(std::uint64_t seed);

  std::uint64_t next_u64();
  // Uniform in [0, bound). REQUIRES: bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // True with probability 1/n. REQUIRES: n > 0.
  bool one_in(std::uint64_t n);
  // True with probability p (clamped to [0, 1]).
  bool chance(double p);
  // Uniform in [0, 1).
  double unit();
  // A child stream, independent of this one's later draws; same parent state + label gives the
  // same child. Does not advance this stream.
  Random fork(std::string_view label) const;
  Random fork(std::uint64_t label) const;

 private:
  std::uint64_t s_[4];
};

// SplitMix64 step: a strong 64-bit mixer, also used to fold trace hashes.
std::uint64_t splitmix64(std::uint64_t x);
// FNV-1a over bytes (for labels); stable across platforms.
std::uint64_t hash_bytes(std::string_view bytes);

}  // namespace fl::io
