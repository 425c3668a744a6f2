// Proves the rule the failover manager promotes by (system/dr/timeline_history.h): the history's
// text round-trips and bad text is refused; contains() follows the switch points; and, as a
// property over random failover histories (primaries appending, replicas rewinding and copying,
// promotions of any node), shared_prefix() of every node's WAL against the leader's history equals
// the true common prefix of the two WALs (found by comparing records). The same runs must contain
// the seed-998 shape — a node whose WAL is at least as long as the leader's but shares less of it
// — which is what comparing lengths got wrong.
#include "system/dr/timeline_history.h"

#include <gtest/gtest.h>

#include <random>

namespace fl::dr {
namespace {

using Wal = std::vector<WalRecord>;

TEST(TimelineHistory, EncodesAndParses) {
  TimelineHistory h;
  h.begins = {{1, 1}, {3, 17}, {4, 40}};
  EXPECT_EQ(h.encode(), "1:1,3:17,4:40");
  auto back = TimelineHistory::parse(h.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->begins, h.begins);
  ASSERT_TRUE(TimelineHistory::parse("").has_value());
  EXPECT_TRUE(TimelineHistory::parse("")->begins.empty());
  for (const char* bad : {"1", "1:", ":1", "1:1,", "1:1,,2:3", "2:5,1:9", "1:5,2:5", "1:5,2:4",
                          "0:1", "1:0", "a:1", "1:1x", "1:1;2:2", "1:1234567890123456789"}) {
    EXPECT_FALSE(TimelineHistory::parse(bad).has_value()) << bad;
  }
  std::string many;
  for (std::size_t i = 1; i <= TimelineHistory::kMaxEntries + 1; ++i) {
    many += (i > 1 ? "," : "") + std::to_string(i) + ":" + std::to_string(i);
  }
  EXPECT_FALSE(TimelineHistory::parse(many).has_value()) << "more than kMaxEntries";
}

TEST(TimelineHistory, ContainsFollowsSwitchPoints) {
  TimelineHistory h;
  h.begins = {{1, 1}, {3, 17}};  // timeline 1 holds 1..16, timeline 3 from 17 on
  EXPECT_TRUE(h.contains(1, 1));
  EXPECT_TRUE(h.contains(16, 1));
  EXPECT_FALSE(h.contains(17, 1)) << "a deposed primary's record past the switch point";
  EXPECT_FALSE(h.contains(5, 2)) << "a timeline the leader's WAL never held";
  EXPECT_FALSE(h.contains(16, 3));
  EXPECT_TRUE(h.contains(17, 3));
  EXPECT_TRUE(h.contains(1000, 3)) << "the leader's later appends on its own timeline";
}

Wal wal_of(std::initializer_list<std::int64_t> timelines) {
  Wal w;
  for (std::int64_t t : timelines) {
    w.push_back({static_cast<std::int64_t>(w.size()) + 1, t, "k", "v"});
  }
  return w;
}

// The shape of dr-failover seed 998: the new leader (timeline 3) holds records 4..5 of
// timeline 3, the deposed primary of timeline 2 kept logging records it could not confirm.
TEST(TimelineHistory, Seed998ShapeIsNotEligibleByLength) {
  const Wal leader = wal_of({1, 1, 1, 3, 3});
  const Wal deposed = wal_of({1, 1, 1, 2, 2, 2});
  const TimelineHistory h = history_of(leader, 4);
  EXPECT_EQ(h.encode(), "1:1,3:4,4:6");
  EXPECT_GE(deposed.size(), leader.size());
  EXPECT_EQ(shared_prefix(deposed, h), 3) << "it lacks the leader's records 4 and 5";
  EXPECT_EQ(shared_prefix(leader, h), 5);
  EXPECT_EQ(shared_prefix({}, h), 0);
  EXPECT_EQ(shared_prefix(deposed, TimelineHistory{}), 0);
}

// A tiny model of the cluster's WALs: records are unique (key = a counter), replicas copy from the
// primary after removing what the primary does not hold, any node may be promoted.
struct Cluster {
  std::vector<Wal> nodes;
  int primary = 0;
  std::int64_t timeline = 1;
  TimelineHistory history;
  int next_key = 0;

  static std::int64_t common(const Wal& a, const Wal& b) {
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && a[n].key == b[n].key) ++n;
    return static_cast<std::int64_t>(n);
  }
  void append(int node) {
    Wal& w = nodes[node];
    w.push_back(
        {static_cast<std::int64_t>(w.size()) + 1, timeline, std::to_string(next_key++), ""});
  }
  void copy(int node, std::size_t up_to) {
    const Wal& p = nodes[primary];
    Wal& w = nodes[node];
    w.resize(static_cast<std::size_t>(common(w, p)));
    while (w.size() < std::min(up_to, p.size())) w.push_back(p[w.size()]);
  }
  void promote(int node) {
    primary = node;
    ++timeline;
    history = history_of(nodes[node], timeline);
  }
};

TEST(TimelineHistory, SharedPrefixIsTheTrueCommonPrefix) {
  constexpr int kRuns = 300, kSteps = 200, kNodes = 3;
  std::mt19937_64 rng(20261207);
  int longer_but_behind = 0;
  for (int run = 0; run < kRuns; ++run) {
    Cluster c;
    c.nodes.resize(kNodes);
    c.history = history_of({}, 1);
    for (int step = 0; step < kSteps; ++step) {
      const int node = static_cast<int>(rng() % kNodes);
      switch (rng() % 6) {
        case 0:
        case 1:
        case 2:
          c.append(c.primary);
          break;
        case 3:
        case 4:
          c.copy(node, rng() % (c.nodes[c.primary].size() + 1));
          break;
        default:
          c.promote(node);
          break;
      }
      const Wal& leader = c.nodes[c.primary];
      for (const Wal& w : c.nodes) {
        ASSERT_EQ(shared_prefix(w, c.history), Cluster::common(w, leader))
            << "run " << run << " step " << step << " history " << c.history.encode();
        if (w.size() >= leader.size() &&
            Cluster::common(w, leader) < static_cast<std::int64_t>(leader.size())) {
          ++longer_but_behind;
        }
      }
    }
  }
  EXPECT_GT(longer_but_behind, 0) << "the runs must hold nodes that lengths would misjudge";
}

}  // namespace
}  // namespace fl::dr
