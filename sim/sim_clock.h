// SimClock: a node's view of virtual time.
//
// Fault model: per node, a wall-clock offset (may jump at any moment, forwards or backwards) and
// a rate drift in parts per million applied to both the monotonic and the wall clock. The
// monotonic clock never decreases within an incarnation; its origin changes on each restart.
#pragma once

#include <cstdint>

#include "sim/scheduler.h"
#include "system/io/clock.h"

namespace fl::sim {

// Durable per-node clock settings (they belong to the machine, not the process).
constexpr std::int64_t kMaxDriftPpm = 100000;  // 10%: far beyond real quartz, on purpose

// Local time is piecewise linear in virtual time: a drift change re-bases it at that instant,
// so the local clock stays continuous (a monotonic clock never jumps back on a drift change).
struct ClockSkew {
  std::int64_t wall_offset_ns = 0;
  std::int64_t drift_ppm = 0;  // |drift| <= kMaxDriftPpm
  std::int64_t base_virtual_ns = 0;
  std::int64_t base_local_ns = 0;

  std::int64_t local(std::int64_t virtual_ns) const {
    const std::int64_t d = virtual_ns - base_virtual_ns;
    return base_local_ns + d +
           static_cast<std::int64_t>(static_cast<__int128>(d) * drift_ppm / 1000000);
  }
  void set_drift(std::int64_t now_virtual_ns, std::int64_t ppm);
};
// The simulated wall clock starts at 2026-01-01T00:00:00Z.
constexpr std::int64_t kSimEpochWallNs = 1767225600LL * 1000 * 1000 * 1000;

class SimClock final : public io::Clock {
 public:
  SimClock(SimScheduler* scheduler, const ClockSkew* skew, std::int64_t monotonic_origin_ns)
      : scheduler_(scheduler), skew_(skew), origin_ns_(monotonic_origin_ns) {}

  std::int64_t monotonic_ns() override { return origin_ns_ + local(scheduler_->now_ns()); }
  std::int64_t wall_ns() override {
    return kSimEpochWallNs + skew_->wall_offset_ns + local(scheduler_->now_ns());
  }
  void sleep_ns(std::int64_t duration_ns) override;

  // The virtual time at which this node's monotonic clock reads `monotonic_ns`.
  std::int64_t virtual_at(std::int64_t monotonic_ns) const;

 private:
  std::int64_t local(std::int64_t virtual_ns) const { return skew_->local(virtual_ns); }

  SimScheduler* scheduler_;
  const ClockSkew* skew_;
  std::int64_t origin_ns_;
};

}  // namespace fl::sim
