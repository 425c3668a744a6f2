// Proves io::Random is reproducible and sound: fixed golden outputs (so a change of algorithm,
// compiler or standard library cannot silently change every seed's run), bounded draws always in
// range and roughly uniform, forks stable and independent of the parent's later draws.
#include "system/io/random.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

namespace fl::io {
namespace {

TEST(Random, GoldenValuesNeverChange) {
  Random r(42);
  const std::uint64_t a = r.next_u64();
  const std::uint64_t b = r.next_u64();
  Random again(42);
  EXPECT_EQ(again.next_u64(), a);
  EXPECT_EQ(again.next_u64(), b);
  // Pinned: if these change, every recorded seed in the world replays differently.
  Random g(1);
  EXPECT_EQ(g.next_u64(), 14233695028433725123ULL);
  EXPECT_EQ(g.below(1000), 8ULL);
  EXPECT_EQ(splitmix64(0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(hash_bytes("faultline"), 5535482301190634685ULL);
}

RC_GTEST_PROP(Random, BelowIsAlwaysInRange, (std::uint64_t seed, std::uint64_t bound)) {
  RC_PRE(bound > 0u);
  Random r(seed);
  for (int i = 0; i < 100; ++i) RC_ASSERT(r.below(bound) < bound);
}

RC_GTEST_PROP(Random, BetweenIsInclusive, (std::uint64_t seed, std::int64_t a, std::int64_t b)) {
  const std::int64_t lo = std::min(a, b), hi = std::max(a, b);
  Random r(seed);
  for (int i = 0; i < 100; ++i) {
    const std::int64_t x = r.between(lo, hi);
    RC_ASSERT(x >= lo);
    RC_ASSERT(x <= hi);
  }
}

TEST(Random, BelowIsRoughlyUniform) {
  Random r(7);
  constexpr int kBuckets = 10, kDraws = 100000;
  int counts[kBuckets] = {};
  for (int i = 0; i < kDraws; ++i) ++counts[r.below(kBuckets)];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - kDraws / kBuckets) * (c - kDraws / kBuckets) / 10000.0;
  EXPECT_LT(chi2, 27.9);  // p = 0.001 for 9 degrees of freedom
}

TEST(Random, ForksAreStableAndIndependent) {
  Random parent(99);
  Random c1 = parent.fork("network");
  Random c2 = parent.fork("network");
  Random other = parent.fork("scheduler");
  EXPECT_EQ(c1.next_u64(), c2.next_u64());
  EXPECT_NE(Random(99).fork("network").next_u64(), other.next_u64());
  // Forking does not advance the parent.
  Random p2(99);
  EXPECT_EQ(parent.next_u64(), p2.next_u64());
}

TEST(Random, ChanceAndOneInEdges) {
  Random r(3);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(r.chance(0.0));
    EXPECT_TRUE(r.chance(1.0));
    EXPECT_TRUE(r.one_in(1));
    const double u = r.unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace fl::io
