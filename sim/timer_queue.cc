#include "sim/timer_queue.h"

#include "system/io/assert.h"

namespace fl::sim {

void TimerQueue::push(TimerEntry entry) {
  FL_ASSERT_MSG(heap_.size() < kMaxEntries, "timer queue full: " << heap_.size());
  entry.seq = next_seq_++;
  heap_.push_back(entry);
  std::size_t i = heap_.size() - 1;
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!before(heap_[i], heap_[parent])) break;
    std::swap(heap_[i], heap_[parent]);
    i = parent;
  }
}

TimerEntry TimerQueue::pop() {
  FL_ASSERT(!heap_.empty());
  TimerEntry out = heap_.front();
  heap_.front() = heap_.back();
  heap_.pop_back();
  std::size_t i = 0;
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t l = 2 * i + 1;
    const std::size_t r = l + 1;
    std::size_t m = i;
    if (l < n && before(heap_[l], heap_[m])) m = l;
    if (r < n && before(heap_[r], heap_[m])) m = r;
    if (m == i) break;
    std::swap(heap_[i], heap_[m]);
    i = m;
  }
  return out;
}

}  // namespace fl::sim
