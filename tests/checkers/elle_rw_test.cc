// Proves the Elle-style rw-register checker on hand-built histories, one per anomaly class it
// can infer soundly (wr from unique values, version order from the initial nil and from a
// transaction's read-then-write), asserting the class and the exact cycle; and that it infers
// nothing it cannot justify (blind writes seen in any order are no anomaly). Then Elle's optional
// assumptions: anomalies found only when each key is assumed sequential (process order) or
// linearizable (real-time order), asserted absent without them; cyclic inferred version orders
// (cyclic-versions, as Elle names it); the real-time frontier limit reported when exceeded; and the
// registry's option checking.
#include <gtest/gtest.h>

#include <algorithm>

#include "checkers/elle/rw_register.h"
#include "checkers/registry.h"
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
  EXPECT_EQ(cycle_of(r, "G-single"), "T0 -wr(y)-> T1 -rw(x)-> T0") << r.to_json().dump(2);
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
  EXPECT_TRUE(r.has("unwritten-read"));
  // A read of a value nobody wrote alone rules out nothing (Elle allows unshown initial states).
  Builder unwritten;
  unwritten.txn(0, {wr("x", 1)});
  unwritten.txn(1, {rd("x", 1), rd("z", 7)});
  const ElleResult u = check_rw_register(unwritten.h);
  EXPECT_TRUE(u.has("unwritten-read")) << u.to_json().dump(2);
  EXPECT_EQ(u.valid, Validity::kTrue) << u.to_json().dump(2);
  EXPECT_TRUE(u.not_models.empty());
  Builder dup;
  dup.txn(0, {wr("x", 1)});
  dup.txn(1, {wr("x", 1)});
  r = check_rw_register(dup.h);
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_NE(r.error.find("twice"), std::string::npos);
}

constexpr RwAssumptions kSequential{true, false};
constexpr RwAssumptions kLinearizable{false, true};

TEST(ElleRwAssumptions, SequentialKeysOrderBlindWritesIntoG0) {
  // Two concurrent blind writers; process 2 sees x go 1 then 2, process 3 sees y go 1 then 2.
  Builder b;
  b.invoke(0, {wr("x", 1), wr("y", 2)});
  b.invoke(1, {wr("x", 2), wr("y", 1)});
  b.complete(0, {wr("x", 1), wr("y", 2)});
  b.complete(1, {wr("x", 2), wr("y", 1)});
  b.txn(2, {rd("x", 1)});
  b.txn(2, {rd("x", 2)});
  b.txn(3, {rd("y", 1)});
  b.txn(3, {rd("y", 2)});
  const RwRegisterResult plain = check_rw_register(b.h);
  EXPECT_EQ(plain.valid, Validity::kTrue) << plain.to_json().dump(2);
  const RwRegisterResult r = check_rw_register(b.h, kSequential);
  EXPECT_EQ(cycle_of(r, "G0"), "T0 -ww(x)-> T1 -ww(y)-> T0") << r.to_json().dump(2);
  EXPECT_FALSE(r.has("cyclic-versions"));
  EXPECT_EQ(r.to_json()["assumptions"]["sequential-keys"], true);
  EXPECT_EQ(r.to_json()["assumptions"]["linearizable-keys"], false);
}

TEST(ElleRwAssumptions, LinearizableKeysFindReadSkew) {
  // T2 sees x = 2 (T1's) and y = 1 (T0's); T3, on another process and invoked after T2
  // completed, sees x = 1: so x went 2 then 1, T0's writes came after T1's, and T2 saw T0's y
  // but not its x. The writers overlap T2, so real time orders nothing else.
  Builder b;
  b.invoke(0, {wr("x", 1), wr("y", 1)});
  b.invoke(1, {wr("x", 2)});
  b.invoke(2, {rd("x", nullptr), rd("y", nullptr)});
  b.complete(0, {wr("x", 1), wr("y", 1)});
  b.complete(1, {wr("x", 2)});
  b.complete(2, {rd("x", 2), rd("y", 1)});
  b.txn(3, {rd("x", 1)});
  const RwRegisterResult plain = check_rw_register(b.h);
  EXPECT_EQ(plain.valid, Validity::kTrue) << plain.to_json().dump(2);
  EXPECT_EQ(check_rw_register(b.h, kSequential).valid, Validity::kTrue);
  const RwRegisterResult r = check_rw_register(b.h, kLinearizable);
  EXPECT_EQ(cycle_of(r, "G-single"), "T0 -wr(y)-> T2 -rw(x)-> T0") << r.to_json().dump(2);
  EXPECT_FALSE(r.has("G0"));
  EXPECT_FALSE(r.has("cyclic-versions"));
  EXPECT_TRUE(rules_out(r, "snapshot-isolation"));
}

TEST(ElleRwAssumptions, ProcessesThatDisagreeAreAnIncompatibleOrder) {
  Builder b;
  b.invoke(0, {wr("x", 1)});
  b.invoke(1, {wr("x", 2)});
  b.complete(0, {wr("x", 1)});
  b.complete(1, {wr("x", 2)});
  b.txn(2, {rd("x", 1)});
  b.txn(3, {rd("x", 2)});
  b.txn(2, {rd("x", 2)});
  b.txn(3, {rd("x", 1)});
  EXPECT_EQ(check_rw_register(b.h).valid, Validity::kTrue);
  const RwRegisterResult r = check_rw_register(b.h, kSequential);
  ASSERT_TRUE(r.has("cyclic-versions")) << r.to_json().dump(2);
  EXPECT_EQ(r.counts.at("cyclic-versions"), 1u);
  const Anomaly& a = *r.first("cyclic-versions");
  EXPECT_NE(a.explanation.find("1 < 2 (T2 then T4, process order)"), std::string::npos)
      << a.explanation;
  EXPECT_NE(a.explanation.find("2 < 1 (T3 then T5, process order)"), std::string::npos);
  EXPECT_EQ(a.ops, (std::vector<std::int64_t>{4, 5, 8, 9, 6, 7, 10, 11}));
  EXPECT_TRUE(rules_out(r, "read-committed"));
}

TEST(ElleRwAssumptions, RealTimeAfterABlindWriteIsAnIncompatibleOrder) {
  // T0 wrote x = 1 and completed before T2 read x = 2: 1 < 2. T3 read 1 after T2: 2 < 1.
  Builder b;
  b.invoke(0, {wr("x", 1)});
  b.invoke(1, {wr("x", 2)});
  b.complete(0, {wr("x", 1)});
  b.complete(1, {wr("x", 2)});
  b.txn(2, {rd("x", 2)});
  b.txn(3, {rd("x", 1)});
  EXPECT_FALSE(check_rw_register(b.h).has("cyclic-versions"));
  const RwRegisterResult r = check_rw_register(b.h, kLinearizable);
  ASSERT_TRUE(r.has("cyclic-versions")) << r.to_json().dump(2);
  EXPECT_NE(r.first("cyclic-versions")->explanation.find("real-time order"), std::string::npos);
}

TEST(ElleRwAssumptions, ReadingNilAfterAVersionIsAnIncompatibleOrder) {
  Builder b;
  b.txn(0, {wr("x", 1)});
  b.txn(1, {rd("x", 1)});
  b.txn(1, {rd("x", nullptr)});
  const RwRegisterResult r = check_rw_register(b.h, kSequential);
  ASSERT_TRUE(r.has("cyclic-versions")) << r.to_json().dump(2);
  EXPECT_NE(r.first("cyclic-versions")->explanation.find("nil is the initial version"),
            std::string::npos);
}

TEST(ElleRwAssumptions, TheRealTimeFrontierLimitIsReported) {
  // More concurrent readers of one key than the frontier keeps, then one more reader.
  Builder b;
  const std::size_t readers = kMaxRealtimeFrontier + 10;
  for (std::size_t p = 0; p < readers; ++p)
    b.invoke(static_cast<std::int64_t>(p), {rd("x", nullptr)});
  for (std::size_t p = 0; p < readers; ++p)
    b.complete(static_cast<std::int64_t>(p), {rd("x", nullptr)});
  b.txn(0, {rd("x", nullptr)});
  const RwRegisterResult r = check_rw_register(b.h, kLinearizable);
  EXPECT_EQ(r.valid, Validity::kTrue);
  EXPECT_EQ(r.frontier_dropped, 10u);
  EXPECT_EQ(r.to_json()["assumptions-truncated"]["realtime-predecessors-dropped"], 10);
  EXPECT_FALSE(check_rw_register(b.h).to_json().contains("assumptions-truncated"));
}

TEST(ElleRwAssumptions, RegistryOptions) {
  // Valid without assumptions; under sequential keys process 1 sees 1 < 2, process 2 2 < 1.
  Builder b;
  b.invoke(0, {wr("x", 1)});
  b.invoke(3, {wr("x", 2)});
  b.complete(0, {wr("x", 1)});
  b.complete(3, {wr("x", 2)});
  b.txn(1, {rd("x", 1)});
  b.txn(2, {rd("x", 2)});
  b.txn(1, {rd("x", 2)});
  b.txn(2, {rd("x", 1)});
  CheckOutcome o = run_checker("elle-rw-register", {{"sequential-keys", true}}, b.h);
  EXPECT_EQ(o.valid, Validity::kFalse) << o.result.dump(2);
  EXPECT_EQ(o.result["assumptions"]["sequential-keys"], true);
  o = run_checker("elle-rw-register", {{"linearizable-keys", false}}, b.h);
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
  EXPECT_EQ(o.result["assumptions"]["linearizable-keys"], false);
  for (const char* name : {"sequential-keys", "linearizable-keys"}) {
    o = run_checker("elle-rw-register", {{name, "yes"}}, b.h);
    EXPECT_EQ(o.valid, Validity::kUnknown) << name;
    EXPECT_EQ(o.result["error"], std::string(name) + " takes true or false, not \"yes\"");
  }
  o = run_checker("elle-list-append", {{"sequential-keys", true}}, b.h);
  EXPECT_EQ(o.valid, Validity::kUnknown);  // list-append has no such option
}

}  // namespace
}  // namespace fl::checkers::elle
