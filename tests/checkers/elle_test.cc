// Proves the Elle-style list-append checker on hand-built histories, one per anomaly class,
// asserting the class found, the cycle it explains (as text naming the transactions and edge
// types) and the consistency models ruled out; and that a serial history is valid.
#include <gtest/gtest.h>

#include "checkers/elle/list_append.h"

namespace fl::checkers::elle {
namespace {

using nlohmann::json;

struct Builder {
  history::History h;
  // A transaction that completes before the next one starts (type ok/fail/info).
  void txn(std::int64_t process, json mops, history::OpType type = history::OpType::kOk) {
    history::Op inv;
    inv.process = process;
    inv.type = history::OpType::kInvoke;
    inv.f = "txn";
    inv.value = mops;
    h.ops.push_back(inv);
    history::Op done = inv;
    done.type = type;
    h.ops.push_back(done);
  }
};

json ap(const char* k, int v) { return json::array({"append", k, v}); }
json rd(const char* k, json v) { return json::array({"r", k, v}); }

bool has(const ElleResult& r, const std::string& cls) { return r.anomalies.contains(cls); }
bool rules_out(const ElleResult& r, const std::string& model) {
  return std::find(r.not_models.begin(), r.not_models.end(), model) != r.not_models.end();
}

TEST(Elle, SerialHistoryIsValid) {
  Builder b;
  b.txn(0, {ap("x", 1), rd("x", {1})});
  b.txn(1, {rd("x", {1}), ap("x", 2), ap("y", 1)});
  b.txn(0, {rd("x", {1, 2}), rd("y", {1})});
  const ElleResult r = check_list_append(b.h);
  EXPECT_EQ(r.valid, Validity::kTrue) << r.to_json().dump(2);
  EXPECT_TRUE(r.not_models.empty());
}

TEST(Elle, G0WriteCycle) {
  // T0 appends x1 then y1... T1 appends x2, y2; reads show x: [1 2] and y: [2 1].
  Builder b;
  b.txn(0, {ap("x", 1), ap("y", 1)});
  b.txn(1, {ap("x", 2), ap("y", 2)});
  b.txn(2, {rd("x", {1, 2}), rd("y", {2, 1})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(has(r, "G0")) << r.to_json().dump(2);
  const std::string cycle = r.anomalies["G0"][0];
  EXPECT_NE(cycle.find("-ww->"), std::string::npos);
  EXPECT_EQ(cycle.find("-wr->"), std::string::npos);
  EXPECT_TRUE(rules_out(r, "read-uncommitted"));
}

TEST(Elle, G1aAbortedRead) {
  Builder b;
  b.txn(0, {ap("x", 1)}, history::OpType::kFail);
  b.txn(1, {rd("x", {1})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(has(r, "G1a")) << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "read-committed"));
  EXPECT_FALSE(rules_out(r, "read-uncommitted"));
}

TEST(Elle, G1bIntermediateRead) {
  Builder b;
  b.txn(0, {ap("x", 1), ap("x", 2)});
  b.txn(1, {rd("x", {1})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(has(r, "G1b")) << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "read-committed"));
}

TEST(Elle, G1cCircularInformationFlow) {
  // T0 appends x1 and reads y [1] (written by T1); T1 appends y1 and reads x [1].
  Builder b;
  b.txn(0, {ap("x", 1), rd("y", {1})});
  b.txn(1, {ap("y", 1), rd("x", {1})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(has(r, "G1c")) << r.to_json().dump(2);
  EXPECT_NE(std::string(r.anomalies["G1c"][0]).find("-wr->"), std::string::npos);
}

TEST(Elle, GSingleReadSkew) {
  // T1 appends x2 and y2 after x1, y1 exist. T2 reads x [1 2] (sees T1) but y [1] (misses it).
  Builder b;
  b.txn(0, {ap("x", 1), ap("y", 1)});
  b.txn(1, {ap("x", 2), ap("y", 2)});
  b.txn(2, {rd("x", {1, 2}), rd("y", {1})});
  b.txn(3, {rd("y", {1, 2})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(has(r, "G-single")) << r.to_json().dump(2);
  const std::string cycle = r.anomalies["G-single"][0];
  EXPECT_NE(cycle.find("-rw->"), std::string::npos);
  EXPECT_TRUE(rules_out(r, "snapshot-isolation"));
  EXPECT_FALSE(rules_out(r, "read-committed"));
}

TEST(Elle, G2ItemWriteSkew) {
  // Both read x and y empty; T0 appends x, T1 appends y; later reads see both.
  Builder b;
  b.txn(0, {rd("x", json::array()), rd("y", json::array()), ap("x", 1)});
  b.txn(1, {rd("x", json::array()), rd("y", json::array()), ap("y", 1)});
  b.txn(2, {rd("x", {1}), rd("y", {1})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(has(r, "G2-item")) << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "serializable"));
  EXPECT_FALSE(rules_out(r, "snapshot-isolation"));
}

TEST(Elle, LostUpdate) {
  Builder b;
  b.txn(0, {rd("x", json::array()), ap("x", 1)});
  b.txn(1, {rd("x", json::array()), ap("x", 2)});
  b.txn(2, {rd("x", {1, 2})});
  const ElleResult r = check_list_append(b.h);
  ASSERT_TRUE(has(r, "lost-update")) << r.to_json().dump(2);
  EXPECT_TRUE(rules_out(r, "snapshot-isolation"));
}

TEST(Elle, InternalDuplicateAndIncompatible) {
  Builder b;
  b.txn(0, {ap("x", 1), rd("x", json::array())});  // does not see its own append
  b.txn(1, {ap("y", 1), ap("y", 2)});
  b.txn(2, {rd("y", {1, 1})});  // duplicate element
  b.txn(3, {ap("z", 1)});
  b.txn(4, {ap("z", 2)});
  b.txn(5, {rd("z", {1, 2})});
  b.txn(6, {rd("z", {2, 1})});  // incompatible order
  const ElleResult r = check_list_append(b.h);
  EXPECT_TRUE(has(r, "internal")) << r.to_json().dump(2);
  EXPECT_TRUE(has(r, "duplicate-elements"));
  EXPECT_TRUE(has(r, "incompatible-order"));
  EXPECT_TRUE(rules_out(r, "read-uncommitted"));
}

TEST(Elle, MalformedTransactionsAreUnknownWithTheLine) {
  Builder b;
  b.txn(0, json::array({json::array({"frob", "x", 1})}));
  const ElleResult r = check_list_append(b.h);
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_NE(r.error.find("line 1"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace fl::checkers::elle
