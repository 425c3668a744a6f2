#include "sim/sim_clock.h"

#include "system/io/assert.h"

namespace fl::sim {

void ClockSkew::set_drift(std::int64_t now_virtual_ns, std::int64_t ppm) {
  FL_ASSERT_LE(ppm, kMaxDriftPpm);
  FL_ASSERT_LE(-kMaxDriftPpm, ppm);
  base_local_ns = local(now_virtual_ns);
  base_virtual_ns = now_virtual_ns;
  drift_ppm = ppm;
}

std::int64_t SimClock::virtual_at(std::int64_t monotonic_ns) const {
  const std::int64_t now = scheduler_->now_ns();
  const std::int64_t local_delta = monotonic_ns - (origin_ns_ + local(now));
  if (local_delta <= 0) return now;
  // Convert a local duration to virtual time, rounding up so a sleep is never short.
  const __int128 scaled = static_cast<__int128>(local_delta) * 1000000;
  const __int128 rate = 1000000 + skew_->drift_ppm;
  FL_ASSERT(rate > 0);
  const auto virtual_delta = static_cast<std::int64_t>((scaled + rate - 1) / rate);
  return now + virtual_delta;
}

void SimClock::sleep_ns(std::int64_t duration_ns) {
  FL_ASSERT(duration_ns >= 0);
  if (duration_ns == 0) {
    scheduler_->yield();
    return;
  }
  // A drift change during the sleep can make the first wake early in local time: sleep again for
  // the rest. Each round ends at the local target unless the drift changes again.
  constexpr int kMaxRounds = 64;
  const std::int64_t target = monotonic_ns() + duration_ns;
  for (int round = 0; round < kMaxRounds && monotonic_ns() < target; ++round) {
    scheduler_->park("sleep", virtual_at(target));
  }
}

}  // namespace fl::sim
