// Clock: the only source of time for system code. Implemented by sim/ (virtual time, per-node
// offset and drift) and real/ (steady_clock and system_clock).
#pragma once

#include <cstdint>

namespace fl::io {

// A point on the monotonic clock of the calling node, in nanoseconds.
struct Deadline {
  std::int64_t monotonic_ns = 0;
};

class Clock {
 public:
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;

  // Nanoseconds on this node's monotonic clock. Never decreases on one node while it runs; its
  // origin is arbitrary and differs between nodes and between restarts of one node. Its rate may
  // drift from true time (the simulator drifts it per node, within a bound).
  virtual std::int64_t monotonic_ns() = 0;

  // Nanoseconds since the Unix epoch on this node's wall clock. May be offset from other nodes'
  // wall clocks, may drift, and may jump forwards or backwards at any moment (NTP, an operator, a
  // nemesis). Use it for timestamps shown to people, never for ordering or timeouts.
  virtual std::int64_t wall_ns() = 0;

  // Suspends the calling fiber for at least `duration_ns` of this node's monotonic time (0 yields).
  // REQUIRES: called from a fiber of this node; duration_ns >= 0.
  // A crash of the node unwinds the sleeping fiber (see Tasks).
  virtual void sleep_ns(std::int64_t duration_ns) = 0;

  Deadline deadline_after_ns(std::int64_t duration_ns) {
    return Deadline{monotonic_ns() + duration_ns};
  }
  std::int64_t remaining_ns(Deadline deadline) {
    const std::int64_t left = deadline.monotonic_ns - monotonic_ns();
    return left > 0 ? left : 0;
  }
};

constexpr std::int64_t kNsPerUs = 1000;
constexpr std::int64_t kNsPerMs = 1000 * 1000;
constexpr std::int64_t kNsPerSec = 1000 * 1000 * 1000;

}  // namespace fl::io
