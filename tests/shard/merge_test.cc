// Proves the fan-out merging rules (merge.h): per-shard partials combine into the aggregate over
// all rows (COUNT and SUM add, MIN and MAX pick, NULL over no values), overflow is refused, and
// ORDER BY ... LIMIT over the shards' sorted results equals sorting everything and cutting.
#include "system/shard/merge.h"

#include <gtest/gtest.h>

#include <limits>

namespace fl::shard {
namespace {

io::Value i(std::int64_t v) { return io::Value(v); }
const io::Value kNull = io::Value(io::Null{});

TEST(ShardMerge, PartialsCombineIntoTheAggregateOverAllRows) {
  const std::vector<io::Row> a = {{i(1), i(5)}, {i(2), kNull}};
  const std::vector<io::Row> b = {{i(3), i(-2)}, {i(4), i(9)}};
  const std::vector<io::Row> empty;
  for (auto kind :
       {AggregateKind::kCount, AggregateKind::kSum, AggregateKind::kMin, AggregateKind::kMax}) {
    std::vector<io::Row> all = a;
    all.insert(all.end(), b.begin(), b.end());
    const io::Value whole = aggregate_rows(kind, all, 1).value();
    const io::Value merged = merge_aggregate(kind, {aggregate_rows(kind, a, 1).value(),
                                                    aggregate_rows(kind, b, 1).value(),
                                                    aggregate_rows(kind, empty, 1).value()})
                                 .value();
    EXPECT_EQ(whole, merged) << static_cast<int>(kind);
  }
  EXPECT_EQ(aggregate_rows(AggregateKind::kCount, a, 1).value(), i(1));  // NULL not counted
  EXPECT_EQ(merge_aggregate(AggregateKind::kSum, {kNull, kNull}).value(), kNull);
  EXPECT_EQ(merge_aggregate(AggregateKind::kMin, {kNull, i(3)}).value(), i(3));
  EXPECT_FALSE(merge_aggregate(AggregateKind::kCount, {kNull}).is_ok());
}

TEST(ShardMerge, OverflowAndNonIntegersAreRefused) {
  const auto big = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(merge_aggregate(AggregateKind::kSum, {i(big), i(1)}).is_ok());
  EXPECT_FALSE(aggregate_rows(AggregateKind::kSum, {{io::Value(std::string("x"))}}, 0).is_ok());
  EXPECT_FALSE(aggregate_rows(AggregateKind::kSum, {{i(1)}}, 3).is_ok());
}

TEST(ShardMerge, OrderedMergeEqualsSortingEverything) {
  const std::vector<std::vector<io::Row>> shards = {
      {{i(9), i(1)}, {i(7), i(2)}, {i(1), i(3)}},
      {{i(8), i(4)}, {i(7), i(5)}},
      {},
  };
  const auto top = merge_ordered(shards, {{0, true}, {1, false}}, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0][0], i(9));
  EXPECT_EQ(top[1][0], i(8));
  EXPECT_EQ(top[2][1], i(2));  // the tie on 7 broken by the second term
  EXPECT_EQ(merge_ordered(shards, {{0, false}}, 100).size(), 5u);
}

}  // namespace
}  // namespace fl::shard
