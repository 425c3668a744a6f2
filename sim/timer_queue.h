// TimerQueue: a binary min-heap of timed entries ordered by (time, insertion sequence), so that
// entries due at the same virtual time fire in a deterministic order. Bounded.
#pragma once

#include <cstdint>
#include <vector>

namespace fl::sim {

struct TimerEntry {
  std::int64_t at_ns = 0;
  std::uint64_t seq = 0;
  // kind 0: wake fiber `a` if still in park `b`; kind 1: event with payload `a`.
  std::uint8_t kind = 0;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
};

class TimerQueue {
 public:
  static constexpr std::size_t kMaxEntries = 1 << 22;

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const TimerEntry& top() const { return heap_.front(); }
  void push(TimerEntry entry);
  TimerEntry pop();
  void clear() { heap_.clear(); }

 private:
  static bool before(const TimerEntry& x, const TimerEntry& y) {
    return x.at_ns != y.at_ns ? x.at_ns < y.at_ns : x.seq < y.seq;
  }
  std::vector<TimerEntry> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace fl::sim
