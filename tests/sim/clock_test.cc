// Proves that a node's monotonic clock never goes backwards whatever the drift changes, that a
// sleep never ends early in local time, and that the wall clock follows offsets (jumps).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/simulator.h"

namespace fl::sim {
namespace {

RC_GTEST_PROP(SimClock, MonotonicUnderRandomDriftChangesAndSleepsNeverShort,
              (std::vector<std::pair<int, unsigned>> steps)) {
  RC_PRE(steps.size() <= 50);
  bool ok = true;
  // The harness changes node m's drift at random moments while m sleeps and reads its clock.
  Simulator sim2(SimOptions{});
  const int m = sim2.add_node("m", [&](io::Env& env) {
    std::int64_t last = env.clock.monotonic_ns();
    for (const auto& [drift, sleep_us] : steps) {
      (void)drift;
      const std::int64_t d = static_cast<std::int64_t>(sleep_us % 10000) * 1000;
      const std::int64_t before = env.clock.monotonic_ns();
      env.clock.sleep_ns(d);
      const std::int64_t after = env.clock.monotonic_ns();
      // Never backwards, and a sleep never ends early in local time.
      if (after < last || after - before < d) ok = false;
      last = after;
    }
  });
  sim2.run([&](io::Env& env) {
    for (const auto& [drift, sleep_us] : steps) {
      sim2.set_drift_ppm(m, drift % (kMaxDriftPpm + 1));
      env.clock.sleep_ns(static_cast<std::int64_t>(sleep_us % 7000) * 1000 + 1);
    }
    env.clock.sleep_ns(io::kNsPerSec);
  });
  RC_ASSERT(ok);
}

TEST(SimClock, SleepIsNeverShortInLocalTime) {
  for (std::int64_t drift : {-100000L, -1234L, 0L, 777L, 100000L}) {
    Simulator sim(SimOptions{});
    std::int64_t slept = 0;
    const int n = sim.add_node("n", [&](io::Env& env) {
      env.clock.sleep_ns(io::kNsPerMs);  // the harness sets the drift meanwhile
      const std::int64_t a = env.clock.monotonic_ns();
      env.clock.sleep_ns(123456789);
      slept = env.clock.monotonic_ns() - a;
    });
    sim.run([&](io::Env& env) {
      (void)env;
      sim.set_drift_ppm(n, drift);
      sim.sleep_until(sim.now_ns() + 2 * io::kNsPerSec);
    });
    EXPECT_GE(slept, 123456789) << "drift " << drift;
    EXPECT_LE(slept, 123456789 + 2) << "drift " << drift;
  }
}

TEST(SimClock, WallClockJumpsWithOffset) {
  Simulator sim(SimOptions{});
  std::vector<std::int64_t> walls;
  const int n = sim.add_node("n", [&](io::Env& env) {
    for (int i = 0; i < 3; ++i) {
      walls.push_back(env.clock.wall_ns());
      env.clock.sleep_ns(io::kNsPerSec);
    }
  });
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerSec / 2);
    sim.set_wall_offset(n, -10 * io::kNsPerSec);  // a backwards jump
    env.clock.sleep_ns(5 * io::kNsPerSec);
  });
  ASSERT_EQ(walls.size(), 3u);
  EXPECT_EQ(walls[0], kSimEpochWallNs);
  EXPECT_LT(walls[1], walls[0]);  // the wall clock went back 10 s while 1 s passed
}

}  // namespace
}  // namespace fl::sim
