// Proves the Elle-style rw-register checker on hand-built histories, one per anomaly class it
// can infer soundly (wr from unique values, version order from the initial nil and from a
// transaction's read-then-write), asserting the class and the exact cycle; and that it infers
// nothing it cannot justify (blind writes seen in any order are no anomaly).
#include <gtest/gtest.h>

#include <algorithm>

#include "checkers/elle/rw_register.h"
#include "elle_builder.h"

namespace fl::checkers::elle {
namespace {

using namespace testing;

bool rules_out(const ElleResult& r, const std::string& model) {
  return std::find(r.not_models.begin(), r.not_models.end(), model) != r.not_models.end();
}
std::string cycle_of(const ElleResult& r, const std::string& type) {
  const Anomaly* a = r.first(type);
  return a == nullptr ? "(no " + type + ")" : a->cycle;
}

TEST(ElleRwRegister, SerialHistoryIsValid) {
  Builder b;
  b.txn(0, {rd("x", nullptr), wr("x", 1)});
  b.txn(1, {rd("x", 1), wr("x", 2), wr("y", 1), rd("y", 1)});
  b.txn(0, {rd("x", 2), rd("y", 1)});
  const ElleResult r = check_rw_register(b.h);
  EXPECT_EQ(r.valid, Validity::kTrue) << r.to_json().dump(2);
}

TEST(ElleRwRegister, BlindWritesInAnyOrderAreNoAnomaly) {
  // Without reads between them, two blind writes have no inferable order.
  Builder b;
  b.txn(0, {wr("x", 1), wr("y", 1)});
  b.txn(1, {wr("x", 2), wr("y", 2)});
  b.txn(2, {rd("x", 2), rd("y", 1)});
  const ElleResult r = check_rw_register(b.h);
  EXPECT_EQ(r.valid, Validity::kTrue) << r.to_json().dump(2);
}

TEST(ElleRwRegister, G0FromReadThenWrite) {
  Builder b;
  b.invoke(0, {rd("y", nullptr), wr("y", 2), wr("x", 1)});
  b.invoke(1, {rd("x", nullptr), wr("x", 3), wr("y", 4)});
  b.complete(0, {rd("y", 4), wr("y", 2), wr("x", 1)});
  b.complete(1, {rd("x", 1), wr("x", 3), wr("y", 4)});
  const ElleResult r = check_rw_register(b.h);
  EXPECT_EQ(cycle_of(r, "G0"), "T0 -ww(x)-> T1 -ww(y)-> T0") << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "read-uncommitted"));
}

TEST(ElleRwRegister, G1aAndG1b) {
  Builder b;
  b.txn(0, {wr("x", 1)}, history::OpType::kFail);
  b.txn(1, {rd("x", 1)});
  b.txn(2, {wr("y", 1), wr("y", 2)});
  b.txn(3, {rd("y", 1)});
  const ElleResult r = check_rw_register(b.h);
  ASSERT_TRUE(r.has("G1a")) << r.to_json().dump(2);
  ASSERT_TRUE(r.has("G1b"));
  EXPECT_EQ(r.first("G1b")->ops, (std::vector<std::int64_t>{6, 7, 4, 5}));
  EXPECT_TRUE(rules_out(r, "read-committed"));
}

TEST(ElleRwRegister, G1cCircularInformationFlow) {
  Builder b;
  b.invoke(0, {wr("x", 1), rd("y", nullptr)});
  b.invoke(1, {wr("y", 1), rd("x", nullptr)});
  b.complete(0, {wr("x", 1), rd("y", 1)});
  b.complete(1, {wr("y", 1), rd("x", 1)});
  const ElleResult r = check_rw_register(b.h);
  EXPECT_EQ(cycle_of(r, "G1c"), "T0 -wr(x)-> T1 -wr(y)-> T0") << r.to_json().dump(2);
}

TEST(ElleRwRegister, GSingleFromTheInitialNil) {
  Builder b;
  b.invoke(0, {wr("x", 1), wr("y", 1)});
  b.invoke(1, {rd("x", nullptr), rd("y", nullptr)});
  b.complete(0, {wr("x", 1), wr("y", 1)});
  b.complete(1, {rd("x", nullptr), rd("y", 1)});
  const ElleResult r = check_rw_register(b.h);
  EXPECT_EQ(cycle_of(r, "G-single"), "T1 -rw(x)-> T0 -wr(y)-> T1") << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "snapshot-isolation"));
  EXPECT_FALSE(rules_out(r, "read-committed"));
}

TEST(ElleRwRegister, G2ItemWriteSkew) {
  Builder b;
  b.invoke(0, {rd("x", nullptr), rd("y", nullptr), wr("x", 1)});
  b.invoke(1, {rd("x", nullptr), rd("y", nullptr), wr("y", 1)});
  b.complete(0, {rd("x", nullptr), rd("y", nullptr), wr("x", 1)});
  b.complete(1, {rd("x", nullptr), rd("y", nullptr), wr("y", 1)});
  const ElleResult r = check_rw_register(b.h);
  EXPECT_EQ(cycle_of(r, "G2-item"), "T0 -rw(y)-> T1 -rw(x)-> T0") << r.to_json().dump(2);
  EXPECT_FALSE(r.has("G-single"));
  EXPECT_FALSE(rules_out(r, "snapshot-isolation"));
  EXPECT_TRUE(rules_out(r, "serializable"));
}

TEST(ElleRwRegister, LostUpdate) {
  Builder b;
  b.invoke(0, {rd("x", nullptr), wr("x", 1)});
  b.invoke(1, {rd("x", nullptr), wr("x", 2)});
  b.complete(0, {rd("x", nullptr), wr("x", 1)});
  b.complete(1, {rd("x", nullptr), wr("x", 2)});
  const ElleResult r = check_rw_register(b.h);
  ASSERT_TRUE(r.has("lost-update")) << r.to_json().dump(2);
  EXPECT_EQ(r.first("lost-update")->ops, (std::vector<std::int64_t>{0, 2, 1, 3}));
  EXPECT_TRUE(rules_out(r, "snapshot-isolation"));
}

TEST(ElleRwRegister, StaleReadIsARealtimeCycle) {
  Builder b;
  b.txn(0, {wr("x", 1)});
  b.txn(1, {rd("x", nullptr)});
  const ElleResult r = check_rw_register(b.h);
  EXPECT_EQ(cycle_of(r, "G-single-realtime"), "T0 -realtime-> T1 -rw(x)-> T0")
      << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "strict-serializable"));
  EXPECT_FALSE(rules_out(r, "serializable"));
}

TEST(ElleRwRegister, InternalGarbageAndUnanalysable) {
  Builder b;
  b.txn(0, {wr("x", 1), rd("x", 2)});
  b.txn(1, {rd("z", 7)});
  ElleResult r = check_rw_register(b.h);
  EXPECT_TRUE(r.has("internal")) << r.to_json().dump(2);
  EXPECT_TRUE(r.has("garbage-read"));
  Builder dup;
  dup.txn(0, {wr("x", 1)});
  dup.txn(1, {wr("x", 1)});
  r = check_rw_register(dup.h);
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_NE(r.error.find("twice"), std::string::npos);
}

}  // namespace
}  // namespace fl::checkers::elle
