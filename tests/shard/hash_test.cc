// Proves that the shard key hash is the fixed function docs/shard.md documents (golden values:
// a change would re-route every stored key), that the key codec round-trips and refuses
// malformed text, that vnodes spread keys evenly, that moving 1/N of the vnodes to a new shard
// moves about 1/N of the keys, and that table schemas round-trip through their text form.
#include "system/shard/hash.h"

#include <gtest/gtest.h>

#include <map>

#include "system/shard/shard_map.h"

namespace fl::shard {
namespace {

TEST(ShardHash, Fnv1aAndMixAreTheDocumentedFunctions) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);  // the FNV-1a 64 test vector
  EXPECT_EQ(mix64(0), 0u);
  EXPECT_EQ(encode_value(io::Value(std::int64_t{42})), "i42");
  EXPECT_EQ(encode_value(io::Value(std::string("user123"))), "s7:user123");
  EXPECT_EQ(encode_value(io::Value(true)), "b1");
  EXPECT_EQ(encode_value(io::Value(io::Null{})), "n");
}

TEST(ShardHash, VnodesAreStableGoldenValues) {
  // If this test fails, the hash changed: every deployed map would route keys elsewhere.
  const std::uint64_t h = mix64(fnv1a64("s7:user123"));
  EXPECT_EQ(vnode_of({io::Value(std::string("user123"))}, 64), static_cast<int>(h % 64));
  EXPECT_EQ(vnode_of({io::Value(std::int64_t{0})}, 64),
            static_cast<int>(mix64(fnv1a64("i0")) % 64));
  // Only the first key column decides.
  EXPECT_EQ(vnode_of({io::Value(std::int64_t{7}), io::Value(std::int64_t{1})}, 64),
            vnode_of({io::Value(std::int64_t{7}), io::Value(std::int64_t{2})}, 64));
}

TEST(ShardHash, KeyCodecRoundTripsAndRefusesMalformedText) {
  const io::Key key = {io::Value(std::int64_t{-5}), io::Value(std::string("a:b|s3:x")),
                       io::Value(false), io::Value(io::Null{})};
  const auto decoded = decode_key(encode_key(key));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, key);
  for (const char* bad : {"", "x", "i", "s5:ab", "s-1:", "b2", "i12z"}) {
    EXPECT_FALSE(decode_key(bad).has_value()) << bad;
  }
}

TEST(ShardHash, KeysSpreadEvenlyOverVnodes) {
  constexpr int kVnodes = 64;
  constexpr int kKeys = 64000;
  std::map<int, int> per_vnode;
  for (int k = 0; k < kKeys; ++k) ++per_vnode[vnode_of({io::Value(std::int64_t{k})}, kVnodes)];
  ASSERT_EQ(per_vnode.size(), static_cast<std::size_t>(kVnodes));
  for (const auto& [v, n] : per_vnode) {
    EXPECT_GT(n, kKeys / kVnodes * 8 / 10) << v;
    EXPECT_LT(n, kKeys / kVnodes * 12 / 10) << v;
  }
}

TEST(ShardMap, AddingAShardMovesAboutOneNthOfTheKeys) {
  constexpr int kVnodes = 64;
  ShardMap map = initial_map(3, 2, kVnodes);
  EXPECT_TRUE(map.owned_by(2).empty());
  // Rebalance: give the new shard every third vnode (a third of the vnodes).
  for (int v = 0; v < kVnodes; v += 3) map.vnodes[static_cast<std::size_t>(v)] = {2, 2};
  int moved = 0;
  constexpr int kKeys = 30000;
  const ShardMap before = initial_map(3, 2, kVnodes);
  for (int k = 0; k < kKeys; ++k) {
    const int v = vnode_of({io::Value(std::int64_t{k})}, kVnodes);
    moved += before.vnodes[static_cast<std::size_t>(v)].shard !=
             map.vnodes[static_cast<std::size_t>(v)].shard;
  }
  EXPECT_GT(moved, kKeys / 3 * 8 / 10);
  EXPECT_LT(moved, kKeys / 3 * 12 / 10);
  EXPECT_EQ(map.version(), 2);
}

TEST(ShardMap, SchemasRoundTripThroughText) {
  io::TableSchema s{"users",
                    {{"user_id", io::ColumnType::kText},
                     {"age", io::ColumnType::kInt64, true},
                     {"active", io::ColumnType::kBool}},
                    {0}};
  const auto back = decode_schema(encode_schema(s));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->name, "users");
  ASSERT_EQ(back->columns.size(), 3u);
  EXPECT_EQ(back->columns[1].name, "age");
  EXPECT_TRUE(back->columns[1].nullable);
  EXPECT_EQ(back->columns[2].type, io::ColumnType::kBool);
  EXPECT_EQ(back->primary_key, std::vector<std::size_t>{0});
  EXPECT_FALSE(decode_schema("users\nx y").has_value());
}

}  // namespace
}  // namespace fl::shard
