// Proves the scheduler's core promises: a seed fixes the whole interleaving (same seed, same
// trace hash, in one process), different seeds interleave differently, virtual time advances
// only through timers and exactly as asked, and the two misuse cases (a deadlock, a real-time
// Boost wait) abort with a clear message instead of hanging.
#include <gtest/gtest.h>

#include <boost/fiber/future.hpp>
#include <boost/fiber/operations.hpp>

#include "sim/simulator.h"

namespace fl::sim {
namespace {

// Ten fibers that interleave sleeps and yields and record the order in which they ran.
RunReport interleaving(std::uint64_t seed, std::vector<int>* order) {
  SimOptions options;
  options.seed = seed;
  Simulator sim(options);
  return sim.run([&](io::Env& env) {
    int done = 0;
    for (int f = 0; f < 10; ++f) {
      sim.spawn(Simulator::kHarnessNode, "f", [&, f] {
        for (int i = 0; i < 20; ++i) {
          order->push_back(f);
          if (i % 3 == 0)
            env.clock.sleep_ns(1000 * (f + 1));
          else
            sim.yield();
        }
        ++done;
      });
    }
    while (done < 10) env.clock.sleep_ns(io::kNsPerMs);
  });
}

TEST(Scheduler, SameSeedSameTraceAndOrder) {
  std::vector<int> a, b;
  const RunReport ra = interleaving(7, &a);
  const RunReport rb = interleaving(7, &b);
  EXPECT_EQ(ra.trace_hash, rb.trace_hash);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ra.events, rb.events);
  EXPECT_EQ(ra.trace_hash.size(), 16u);
}

TEST(Scheduler, DifferentSeedsDifferentTraces) {
  std::vector<std::string> hashes;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<int> order;
    hashes.push_back(interleaving(seed, &order).trace_hash);
  }
  std::sort(hashes.begin(), hashes.end());
  EXPECT_EQ(std::unique(hashes.begin(), hashes.end()), hashes.end());
}

TEST(Scheduler, VirtualTimeAdvancesExactlyBySleeps) {
  Simulator sim(SimOptions{});
  std::int64_t t0 = -1, t1 = -1, mono0 = 0, mono1 = 0;
  RunReport report = sim.run([&](io::Env& env) {
    t0 = sim.now_ns();
    mono0 = env.clock.monotonic_ns();
    env.clock.sleep_ns(3 * io::kNsPerSec + 17);
    t1 = sim.now_ns();
    mono1 = env.clock.monotonic_ns();
  });
  EXPECT_EQ(t0, 0);
  EXPECT_EQ(t1, 3 * io::kNsPerSec + 17);
  EXPECT_EQ(mono1 - mono0, 3 * io::kNsPerSec + 17);
  EXPECT_GE(report.virtual_ns, t1);
  EXPECT_TRUE(report.fiber_failures.empty());
}

TEST(Scheduler, EventLimitStopsTheRunAndSaysSo) {
  SimOptions options;
  options.max_events = 1000;
  Simulator sim(options);
  RunReport report = sim.run([&](io::Env& env) {
    for (;;) env.clock.sleep_ns(1);  // would run forever; the limit ends it
  });
  EXPECT_TRUE(report.limit_hit);
  EXPECT_NE(report.limit_message.find("simulation limit reached"), std::string::npos);
}

TEST(Scheduler, ExceptionsEscapingFibersAreReportedNotFatal) {
  Simulator sim(SimOptions{});
  RunReport report = sim.run([&](io::Env&) { throw std::runtime_error("boom"); });
  ASSERT_EQ(report.fiber_failures.size(), 1u);
  EXPECT_NE(report.fiber_failures[0].find("boom"), std::string::npos);
}

TEST(SchedulerDeathTest, DeadlockAbortsListingBlockedFibers) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Simulator sim(SimOptions{});
        boost::fibers::promise<void> never;
        sim.run([&](io::Env&) {
          // The driver waits on a future nobody will ever set, and no timer is pending.
          never.get_future().wait();
        });
      },
      "SIMULATION DEADLOCK");
}

TEST(SchedulerDeathTest, RealTimeWaitAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Simulator sim(SimOptions{});
        sim.run([&](io::Env&) { boost::this_fiber::sleep_for(std::chrono::milliseconds(1)); });
      },
      "real-time wait");
}

}  // namespace
}  // namespace fl::sim
