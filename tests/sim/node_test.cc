// Proves the node model: a crash unwinds every fiber of the node at its next suspension point
// (destructors run, nothing after the suspension point executes), volatile state is dropped and
// durable state kept, a restart runs the start-up function again with a new incarnation, a
// paused node runs nothing until resumed, and per-node clocks skew and drift as configured.
#include <gtest/gtest.h>

#include "sim/simulator.h"

namespace fl::sim {
namespace {

struct Durable {
  int starts = 0;
  int ticks_after_crash_point = 0;
  int unwound = 0;
  std::vector<std::uint64_t> incarnations;
};

struct Unwound {
  int* counter;
  ~Unwound() { ++*counter; }
};

TEST(Node, CrashUnwindsFibersAndRestartRunsStartupAgain) {
  Simulator sim(SimOptions{});
  Durable durable;
  const int n = sim.add_node("n1", [&](io::Env& env) {
    ++durable.starts;
    durable.incarnations.push_back(env.tasks.incarnation());
    for (int f = 0; f < 3; ++f) {
      env.tasks.spawn("ticker", [&] {
        Unwound guard{&durable.unwound};
        for (;;) env.clock.sleep_ns(io::kNsPerMs);
      });
    }
  });
  RunReport report = sim.run([&](io::Env& env) {
    env.clock.sleep_ns(10 * io::kNsPerMs);
    EXPECT_TRUE(sim.is_up(n));
    sim.crash(n);
    EXPECT_FALSE(sim.is_up(n));
    env.clock.sleep_ns(10 * io::kNsPerMs);
    EXPECT_EQ(durable.unwound, 3);  // all three tickers unwound, destructors ran
    sim.restart(n);
    env.clock.sleep_ns(10 * io::kNsPerMs);
    EXPECT_EQ(sim.incarnation(n), 2u);
  });
  EXPECT_EQ(durable.starts, 2);
  EXPECT_EQ(durable.incarnations, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(durable.unwound, 6);  // the second incarnation's tickers unwound at the end of run
  EXPECT_TRUE(report.fiber_failures.empty());
}

TEST(Node, CrashedFiberRunsNothingAfterItsNextSuspensionPoint) {
  Simulator sim(SimOptions{});
  int after = 0;
  const int n = sim.add_node("n1", [&](io::Env& env) {
    env.clock.sleep_ns(5 * io::kNsPerMs);
    ++after;  // must never run: the node crashes at 1 ms
  });
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerMs);
    sim.crash(n);
    env.clock.sleep_ns(20 * io::kNsPerMs);
  });
  EXPECT_EQ(after, 0);
}

TEST(Node, SpawnFromACrashedIncarnationThrows) {
  Simulator sim(SimOptions{});
  bool threw = false;
  const int n = sim.add_node("n1", [&](io::Env& env) { env.clock.sleep_ns(5 * io::kNsPerMs); });
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerMs);
    sim.crash(n);
    try {
      sim.check_alive();  // the harness node is alive: no throw
    } catch (const io::NodeCrashed&) {
      threw = true;
    }
  });
  EXPECT_FALSE(threw);
}

TEST(Node, PausedNodeRunsNothingUntilResumed) {
  Simulator sim(SimOptions{});
  std::vector<std::int64_t> ticks;
  const int n = sim.add_node("n1", [&](io::Env& env) {
    for (int i = 0; i < 100; ++i) {
      env.clock.sleep_ns(io::kNsPerMs);
      ticks.push_back(sim.now_ns());
    }
  });
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(10 * io::kNsPerMs + 500000);
    sim.pause(n);
    const std::size_t before = ticks.size();
    env.clock.sleep_ns(50 * io::kNsPerMs);
    EXPECT_EQ(ticks.size(), before);
    sim.resume(n);
    env.clock.sleep_ns(5 * io::kNsPerMs);
    EXPECT_GT(ticks.size(), before);
  });
  // The tick that was due during the pause ran right after the resume, 50 ms late.
  bool saw_gap = false;
  for (std::size_t i = 1; i < ticks.size(); ++i) {
    saw_gap = saw_gap || ticks[i] - ticks[i - 1] > 40 * io::kNsPerMs;
  }
  EXPECT_TRUE(saw_gap);
}

TEST(Node, ClockOffsetAndDriftPerNode) {
  Simulator sim(SimOptions{});
  std::int64_t wall_a = 0, wall_b = 0, mono_start = 0, mono_end = 0;
  const int a = sim.add_node("a", [&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerSec);
    wall_a = env.clock.wall_ns();
  });
  const int b = sim.add_node("b", [&](io::Env& env) {
    mono_start = env.clock.monotonic_ns();
    env.clock.sleep_ns(io::kNsPerSec);  // one local second: less virtual time when fast
    mono_end = env.clock.monotonic_ns();
    wall_b = env.clock.wall_ns();
  });
  sim.run([&](io::Env& env) {
    sim.set_wall_offset(a, 30 * io::kNsPerSec);
    sim.set_drift_ppm(b, 100000);  // 10% fast
    env.clock.sleep_ns(2 * io::kNsPerSec);
  });
  EXPECT_GE(mono_end - mono_start, io::kNsPerSec);
  EXPECT_LE(mono_end - mono_start, io::kNsPerSec + 2);
  EXPECT_GT(wall_a - wall_b, 29 * io::kNsPerSec);
  (void)b;
}

}  // namespace
}  // namespace fl::sim
