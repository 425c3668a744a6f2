// Proves the Elle-style list-append checker on hand-built histories, one per anomaly class,
// asserting the class found, the exact cycle it explains (transactions, edge kinds and keys),
// the history op indexes it names and the consistency models ruled out; that serial histories
// are valid; and that histories it cannot analyse are unknown with a reason.
#include <gtest/gtest.h>

#include <algorithm>

#include "checkers/elle/list_append.h"
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

TEST(ElleListAppend, SerialHistoryIsValid) {
  Builder b;
  b.txn(0, {ap("x", 1), rd("x", {1})});
  b.txn(1, {rd("x", {1}), ap("x", 2), ap("y", 1)});
  b.txn(0, {rd("x", {1, 2}), rd("y", {1})});
  const ElleResult r = check_list_append(b.h);
  EXPECT_EQ(r.valid, Validity::kTrue) << r.to_json().dump(2);
  EXPECT_TRUE(r.not_models.empty());
  EXPECT_EQ(r.transactions, 3u);
}

TEST(ElleListAppend, G0WriteCycle) {
  Builder b;
  b.txn(0, {ap("x", 1), ap("y", 1)});
  b.txn(1, {ap("x", 2), ap("y", 2)});
  b.txn(2, {rd("x", {1, 2}), rd("y", {2, 1})});
  const ElleResult r = check_list_append(b.h);
  EXPECT_EQ(cycle_of(r, "G0"), "T0 -ww(x)-> T1 -ww(y)-> T0") << r.to_json().dump(2);
  EXPECT_EQ(r.first("G0")->ops, (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_TRUE(rules_out(r, "read-uncommitted"));
}

TEST(ElleListAppend, G1aAbortedRead) {
  Builder b;
  b.txn(0, {ap("x", 1)}, history::OpType::kFail);
  b.txn(1, {rd("x", {1})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(r.has("G1a")) << r.to_json().dump(2);
  EXPECT_EQ(r.first("G1a")->ops, (std::vector<std::int64_t>{2, 3, 0, 1}));
  EXPECT_TRUE(rules_out(r, "read-committed"));
  EXPECT_FALSE(rules_out(r, "read-uncommitted"));
}

TEST(ElleListAppend, G1bIntermediateRead) {
  Builder b;
  b.txn(0, {ap("x", 1), ap("x", 2)});
  b.txn(1, {rd("x", {1})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(r.has("G1b")) << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "read-committed"));
}

TEST(ElleListAppend, G1cCircularInformationFlow) {
  Builder b;
  b.txn(0, {ap("x", 1), rd("y", {1})});
  b.txn(1, {ap("y", 1), rd("x", {1})});
  const ElleResult r = check_list_append(b.h);
  EXPECT_EQ(cycle_of(r, "G1c"), "T0 -wr(x)-> T1 -wr(y)-> T0") << r.to_json().dump(2);
  EXPECT_FALSE(r.has("G0"));
  EXPECT_TRUE(rules_out(r, "read-committed"));
}

TEST(ElleListAppend, GSingleReadSkew) {
  Builder b;
  b.txn(0, {ap("x", 1), ap("y", 1)});
  b.txn(1, {ap("x", 2), ap("y", 2)});
  b.txn(2, {rd("x", {1, 2}), rd("y", {1})});
  b.txn(3, {rd("y", {1, 2})});
  const ElleResult r = check_list_append(b.h);
  EXPECT_EQ(cycle_of(r, "G-single"), "T1 -wr(x)-> T2 -rw(y)-> T1") << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "snapshot-isolation"));
  EXPECT_FALSE(rules_out(r, "read-committed"));
}

TEST(ElleListAppend, G2ItemWriteSkew) {
  Builder b;
  b.invoke(0, {rd("x", nullptr), rd("y", nullptr), ap("x", 1)});
  b.invoke(1, {rd("x", nullptr), rd("y", nullptr), ap("y", 1)});
  b.complete(0, {rd("x", none()), rd("y", none()), ap("x", 1)});
  b.complete(1, {rd("x", none()), rd("y", none()), ap("y", 1)});
  b.txn(2, {rd("x", {1}), rd("y", {1})});
  const ElleResult r = check_list_append(b.h);
  EXPECT_EQ(cycle_of(r, "G2-item"), "T0 -rw(y)-> T1 -rw(x)-> T0") << r.to_json().dump(2);
  EXPECT_FALSE(r.has("G-single"));
  EXPECT_TRUE(rules_out(r, "serializable"));
  EXPECT_FALSE(rules_out(r, "snapshot-isolation"));
}

TEST(ElleListAppend, LostUpdate) {
  Builder b;
  b.txn(0, {rd("x", none()), ap("x", 1)});
  b.txn(1, {rd("x", none()), ap("x", 2)});
  b.txn(2, {rd("x", {1, 2})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(r.has("lost-update")) << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "snapshot-isolation"));
}

TEST(ElleListAppend, RealtimeAndProcessOrders) {
  // T0 appends x1 and completes; T1 starts later and reads x empty (T2 shows x = [1]).
  Builder rt;
  rt.txn(0, {ap("x", 1)});
  rt.txn(1, {rd("x", none())});
  rt.txn(2, {rd("x", {1})});
  ElleResult r = check_list_append(rt.h);
  EXPECT_EQ(cycle_of(r, "G-single-realtime"), "T0 -realtime-> T1 -rw(x)-> T0")
      << r.to_json().dump(2);
  EXPECT_FALSE(r.has("G-single"));
  EXPECT_FALSE(r.has("G-single-process"));
  EXPECT_TRUE(rules_out(r, "strict-serializable"));
  EXPECT_FALSE(rules_out(r, "serializable"));
  // The same with one process: a process-order cycle too (strong session models ruled out).
  Builder po;
  po.txn(0, {ap("x", 1)});
  po.txn(0, {rd("x", none())});
  po.txn(2, {rd("x", {1})});
  r = check_list_append(po.h);
  EXPECT_EQ(cycle_of(r, "G-single-process"), "T0 -process-> T1 -rw(x)-> T0");
  EXPECT_TRUE(rules_out(r, "strong-session-serializable"));
  EXPECT_FALSE(rules_out(r, "serializable"));
  // Concurrent transactions impose no real-time order: the same reads are fine.
  Builder cc;
  cc.invoke(0, {ap("x", 1)});
  cc.invoke(1, {rd("x", nullptr)});
  cc.complete(0, {ap("x", 1)});
  cc.complete(1, {rd("x", none())});
  cc.txn(2, {rd("x", {1})});
  r = check_list_append(cc.h);
  EXPECT_EQ(r.valid, Validity::kTrue) << r.to_json().dump(2);
}

TEST(ElleListAppend, InternalDuplicateIncompatibleAndGarbage) {
  Builder b;
  b.txn(0, {ap("x", 1), rd("x", none())});  // does not see its own append
  b.txn(1, {ap("y", 1), ap("y", 2)});
  b.txn(2, {rd("y", {1, 1})});  // duplicate element
  b.txn(3, {ap("z", 1)});
  b.txn(4, {ap("z", 2)});
  b.txn(5, {rd("z", {1, 2})});
  b.txn(6, {rd("z", {2, 1})});  // incompatible order
  b.txn(7, {rd("w", {42})});    // never appended
  const ElleResult r = check_list_append(b.h);
  for (const char* c : {"internal", "duplicate-elements", "incompatible-order", "garbage-read"}) {
    EXPECT_TRUE(r.has(c)) << c << "\n" << r.to_json().dump(2);
  }
  EXPECT_TRUE(rules_out(r, "read-uncommitted"));
}

TEST(ElleListAppend, UnanalysableHistoriesAreUnknownWithAReason) {
  Builder b;
  b.txn(0, json::array({json::array({"frob", "x", 1})}));
  ElleResult r = check_list_append(b.h);
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_NE(r.error.find("line 1"), std::string::npos) << r.error;
  Builder dup;
  dup.txn(0, {ap("x", 1)});
  dup.txn(1, {ap("x", 1)});
  r = check_list_append(dup.h);
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_NE(r.error.find("twice"), std::string::npos) << r.error;
}

// Micro-ops are read once per transaction (collect_txns): an ok one's from its completion, any
// other's from its invocation; the error names the line they were read from.
TEST(ElleListAppend, MicroOpsAreReadFromTheCompletionOfAnOkTransactionOnly) {
  const json frob = json::array({json::array({"frob", "x", 1})});
  Builder ok_completion;  // a malformed invocation whose ok completion is well formed
  ok_completion.invoke(0, frob);
  ok_completion.complete(0, {ap("x", 1)});
  ElleResult r = check_list_append(ok_completion.h);
  EXPECT_EQ(r.error, "");  // analysed (one transaction: unknown for an empty graph, as Elle)
  EXPECT_EQ(r.transactions, 1u);
  Builder bad_completion;
  bad_completion.invoke(0, {ap("x", 1)});
  bad_completion.complete(0, frob);
  r = check_list_append(bad_completion.h);
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_EQ(r.error.rfind("line 2:", 0), 0u) << r.error;
  Builder failed;  // a failed transaction's micro-ops are its invocation's
  failed.invoke(0, frob);
  failed.complete(0, {ap("x", 1)}, history::OpType::kFail);
  r = check_list_append(failed.h);
  EXPECT_EQ(r.error.rfind("line 1:", 0), 0u) << r.error;
  Builder open;  // never completed: the same
  open.invoke(0, frob);
  r = check_list_append(open.h);
  EXPECT_EQ(r.error.rfind("line 1:", 0), 0u) << r.error;
  Builder not_a_list;  // an invocation's value must still be a list
  not_a_list.invoke(0, json(3));
  not_a_list.complete(0, {ap("x", 1)});
  r = check_list_append(not_a_list.h);
  EXPECT_EQ(r.error, "line 1: a transaction value as a list of micro-ops") << r.error;
}

}  // namespace
}  // namespace fl::checkers::elle
