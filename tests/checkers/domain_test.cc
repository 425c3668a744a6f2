// Proves the domain checkers through the registry on hand-built histories: bank (total
// conserved, negative balances, consistent totals), set (lost, stale, unexpected, recovered,
// never-read, as Jepsen's set-full) and counter (reads within the bounds that acknowledged and
// unknown adds allow). Each violation kind has a history that fails for it, naming its ops; the
// matching correct histories pass; nemesis ops are ignored.
#include <gtest/gtest.h>

#include "checkers/registry.h"

namespace fl::checkers {
namespace {

using history::OpType;
using nlohmann::json;

struct H {
  history::History h;
  H& op(std::int64_t p, OpType t, const char* f, json v) {
    history::Op o;
    o.index = static_cast<std::int64_t>(h.ops.size());
    o.process = p;
    o.type = t;
    o.f = f;
    o.value = std::move(v);
    h.ops.push_back(o);
    return *this;
  }
  H& call(std::int64_t p, const char* f, json in, json out, OpType t = OpType::kOk) {
    return op(p, OpType::kInvoke, f, std::move(in)).op(p, t, f, std::move(out));
  }
  H& nemesis() { return op(history::kNemesisProcess, OpType::kInfo, "partition", "majority"); }
};

std::string types(const CheckOutcome& o) { return o.result["anomaly-types"].dump(); }

TEST(Bank, ConservedTotalIsValid) {
  H b;
  b.call(0, "read", nullptr, {{"a", 50}, {"b", 50}});
  b.nemesis();
  b.call(1, "transfer", {{"from", "a"}, {"to", "b"}, {"amount", 20}}, nullptr);
  b.call(0, "read", nullptr, {{"a", 30}, {"b", 70}});
  const auto o = run_checker("bank", {{"total", 100}}, b.h);
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
  EXPECT_EQ(run_checker("bank", json::object(), b.h).valid, Validity::kTrue);  // inferred
}

TEST(Bank, WrongTotalAndNegativeBalancesAreCaught) {
  H b;
  b.call(0, "read", nullptr, {{"a", 50}, {"b", 50}});
  b.call(0, "read", nullptr, {{"a", 30}, {"b", 50}});  // 20 vanished
  auto o = run_checker("bank", {{"total", 100}}, b.h);
  ASSERT_EQ(o.valid, Validity::kFalse);
  EXPECT_EQ(types(o), R"(["wrong-total"])");
  EXPECT_EQ(o.result["anomalies"][0]["ops"], json::parse("[2,3]"));
  H n;
  n.call(0, "read", nullptr, {{"a", -10}, {"b", 110}});
  o = run_checker("bank", {{"total", 100}}, n.h);
  EXPECT_EQ(types(o), R"(["negative-value"])") << o.result.dump(2);
  EXPECT_EQ(run_checker("bank", {{"total", 100}, {"negative-allowed", true}}, n.h).valid,
            Validity::kTrue);
  H z;
  z.call(0, "read", nullptr, {{"a", nullptr}, {"b", 100}});
  EXPECT_EQ(types(run_checker("bank", {{"total", 100}}, z.h)), R"(["nil-balance"])");
  EXPECT_EQ(run_checker("bank", {{"total", "x"}}, z.h).valid, Validity::kUnknown);
}

TEST(Set, AcknowledgedElementsReadAfterwardsAreValid) {
  H s;
  s.call(0, "add", 1, 1).call(1, "add", 2, 2, OpType::kInfo).nemesis();
  s.call(2, "read", nullptr, json::array({1, 2}));
  s.call(3, "add", 3, 3).call(2, "read", nullptr, json::array({2, 1, 3}));
  const auto o = run_checker("set", json::object(), s.h);
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
  EXPECT_EQ(o.result["recovered"], json::parse("[2]"));  // unknown add, but seen
}

TEST(Set, LostStaleUnexpectedAreCaught) {
  H s;
  s.call(0, "add", 1, 1).call(0, "add", 2, 2).call(0, "add", 3, 3, OpType::kFail);
  s.call(1, "read", nullptr, json::array({1}));     // 2 missing ...
  s.call(1, "read", nullptr, json::array({1, 2}));  // ... then back: stale
  s.call(1, "read", nullptr, json::array({2, 3}));  // 1 gone for good: lost; 3 failed: unexpected
  const auto o = run_checker("set", json::object(), s.h);
  ASSERT_EQ(o.valid, Validity::kFalse);
  EXPECT_EQ(types(o), R"(["lost","stale","unexpected"])") << o.result.dump(2);
  EXPECT_EQ(o.result["lost"], json::parse("[1]"));
  EXPECT_EQ(o.result["stale"], json::parse("[2]"));
  for (const auto& a : o.result["anomalies"]) {
    if (a["type"] == "lost") {
      EXPECT_EQ(a["ops"], json::parse("[0,1,10,11]"));
    }
  }
}

TEST(Set, ElementsAddedAfterTheLastReadAreNeverReadNotLost) {
  H s;
  s.call(1, "read", nullptr, json::array());
  s.call(0, "add", 9, 9);
  const auto o = run_checker("set", json::object(), s.h);
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
  EXPECT_EQ(o.result["never-read"], json::parse("[9]"));
}

TEST(Counter, ReadsWithinBoundsAreValid) {
  H c;
  c.call(0, "add", 1, 1);
  c.op(1, OpType::kInvoke, "add", 5);  // concurrent with the next read: may or may not count
  c.call(2, "read", nullptr, 6);
  c.op(1, OpType::kInfo, "add", 5);
  c.call(2, "read", nullptr, 1);  // the info add may never have happened
  c.call(0, "add", 2, 2, OpType::kFail);
  c.call(2, "read", nullptr, 6);
  const auto o = run_checker("counter", json::object(), c.h);
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
}

TEST(Counter, OutOfBoundsReadsAreCaught) {
  H c;
  c.call(0, "add", 1, 1).call(0, "add", 2, 2, OpType::kFail);
  c.call(1, "read", nullptr, 3);  // the failed add counted
  c.call(1, "read", nullptr, 0);  // the acknowledged add lost
  const auto o = run_checker("counter", json::object(), c.h);
  ASSERT_EQ(o.valid, Validity::kFalse);
  EXPECT_EQ(o.result["anomaly-counts"]["out-of-bounds"], 2) << o.result.dump(2);
  EXPECT_EQ(o.result["anomalies"][0]["ops"], json::parse("[4,5]"));
  EXPECT_NE(o.result["anomalies"][0]["explanation"].get<std::string>().find("[1, 1]"),
            std::string::npos);
}

TEST(Domain, MalformedHistoriesAreUnknownWithAnError) {
  H bad;
  bad.op(0, OpType::kOk, "read", 1);  // a completion with no invocation
  for (const char* name : {"bank", "set", "counter"}) {
    const auto o = run_checker(name, json::object(), bad.h);
    EXPECT_EQ(o.valid, Validity::kUnknown) << name;
    EXPECT_NE(o.result["error"].get<std::string>().find("line 1"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace fl::checkers
