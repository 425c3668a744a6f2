// Trace: a running hash of every scheduling decision and event of a run, plus an optional
// bounded text log of high-level events. Same seed, same code: same hash (tested).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fl::sim {

enum class TraceTag : std::uint8_t {
  kPick = 1,   // a fiber was chosen to run (value: fiber id)
  kTimer = 2,  // virtual time advanced (value: new time)
  kEvent = 3,  // a scheduled event fired (value: payload)
  kSpawn = 4,  // a fiber was created (value: fiber id)
  kNote = 5,   // a high-level event (value: hash of its text)
};

class Trace {
 public:
  // Keeps at most `max_lines` lines of text (older ones are kept, newer dropped and counted).
  explicit Trace(std::size_t max_lines = 100000) : max_lines_(max_lines) {}

  void fold(TraceTag tag, std::uint64_t value) {
    std::uint64_t x = hash_ ^ ((static_cast<std::uint64_t>(tag) << 56) + value);
    // One SplitMix64 round: cheap, and every input bit reaches every output bit.
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    hash_ = x ^ (x >> 31);
  }
  // Folds a line of text into the hash and keeps it in the log (time in virtual ns).
  void note(std::int64_t time_ns, std::string_view text);

  std::uint64_t hash() const { return hash_; }
  std::string hash_hex() const;
  const std::vector<std::string>& lines() const { return lines_; }
  std::uint64_t dropped_lines() const { return dropped_; }

 private:
  std::uint64_t hash_ = 0x6a09e667f3bcc908ULL;
  std::size_t max_lines_;
  std::vector<std::string> lines_;
  std::uint64_t dropped_ = 0;
};

}  // namespace fl::sim
