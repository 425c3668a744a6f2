// Proves the pure sync code (system/sync: hlc.h, version_vector.h, crdt.h, crdt_ops.h) on small
// hand-built cases: HLC ticks and the RFC 3339 timestamps of the seeds, version-vector order,
// each CRDT's semantics (LWW by (HLC, node), counters, add-wins OR-set with observed removes,
// multi-value register siblings, LWW map), the canonical encoding's round trip and its strict
// parser, the seeds' operations and their refusals, and what each known-bug switch breaks.
#include "system/sync/crdt.h"

#include <gtest/gtest.h>

#include "system/sync/crdt_ops.h"

namespace fl::sync {
namespace {

CrdtOp op(CrdtType type, const Json& j) {
  std::string error;
  auto parsed = parse_op(type, j, &error);
  EXPECT_TRUE(parsed.has_value()) << j.dump() << ": " << error;
  return parsed.value_or(CrdtOp{});
}

// Applies `j` as `actor`'s next update at HLC (ms, 0).
Applied apply(CrdtState* s, const std::string& actor, const Json& j, std::int64_t ms = 1000,
              const CrdtBugs& bugs = {}) {
  Applied a;
  EXPECT_EQ(apply_op(s, op(s->type, j), actor, Hlc{ms, 0}, bugs, &a), "");
  return a;
}

TEST(Hlc, TicksPastTheWallClockAndEverythingObserved) {
  HlcClock c;
  const Hlc a = c.tick(100);
  EXPECT_EQ(a, (Hlc{100, 0}));
  const Hlc b = c.tick(100);  // same millisecond: the logical part moves
  EXPECT_EQ(b, (Hlc{100, 1}));
  c.observe(Hlc{5000, 7});    // a device far ahead
  const Hlc d = c.tick(101);  // our wall clock is behind: still after what we saw
  EXPECT_EQ(d, (Hlc{5000, 8}));
  EXPECT_GT(c.tick(6000), d);
  EXPECT_EQ(wall_clock_stamp(42), (Hlc{42, 0}));
}

TEST(Hlc, TimestampsRoundTripTheSeedsFormat) {
  std::int64_t ms = 0;
  std::string error;
  ASSERT_TRUE(parse_timestamp("2024-01-01T11:00:00Z", &ms, &error)) << error;
  EXPECT_EQ(ms, 1704106800000);
  EXPECT_EQ(format_timestamp(ms), "2024-01-01T11:00:00Z");
  ASSERT_TRUE(parse_timestamp("2024-01-01T12:00:00.25+01:00", &ms, &error)) << error;
  EXPECT_EQ(format_timestamp(ms), "2024-01-01T11:00:00.250Z");
  ASSERT_TRUE(parse_timestamp("1969-12-31T23:59:59.999Z", &ms, &error));
  EXPECT_EQ(ms, -1);
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999Z");
  for (const char* bad :
       {"yesterday", "2024-02-30T00:00:00Z", "2024-01-01T10:00:00", "2024-01-01 10:00:00Z",
        "2024-01-01T10:00:00.Z", "2024-01-01T24:00:00Z", "2024-01-01T10:00:00+25:00", ""}) {
    EXPECT_FALSE(parse_timestamp(bad, &ms, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(VersionVector, OrdersAndTheBugOrdersConcurrentOnes) {
  VersionVector a, b;
  a.set("d1", 3);
  b.set("d1", 3);
  EXPECT_EQ(compare(a, b), Causality::kEqual);
  b.set("d2", 1);
  EXPECT_EQ(compare(a, b), Causality::kBefore);
  a.set("d1", 4);
  EXPECT_EQ(compare(a, b), Causality::kConcurrent);
  EXPECT_FALSE(a.dominates(b));
  // The bug looks at a's own entries only: a lacks d2 and still "has seen everything".
  EXPECT_TRUE(dominates_on_own_entries(a, b));
  a.join(b);
  EXPECT_EQ(compare(a, b), Causality::kAfter);
  EXPECT_TRUE(a.covers({"d2", 1}));
  EXPECT_FALSE(a.covers({"d2", 2}));
  EXPECT_EQ(a.next("d3"), (Dot{"d3", 1}));
}

TEST(Crdt, LwwLaterHlcWinsAndNodeIdBreaksTies) {
  CrdtState a = empty_state(CrdtType::kLwwRegister), b = a;
  apply(&a, "d1", {{"type", "set"}, {"value", "one"}}, 1000);
  apply(&b, "d2", {{"type", "set"}, {"value", "two"}}, 2000);
  EXPECT_EQ(value_of(merge(a, b)), "two");
  EXPECT_EQ(value_of(merge(b, a)), "two");
  CrdtState c = empty_state(CrdtType::kLwwRegister), d = c;
  apply(&c, "d1", {{"type", "set"}, {"value", "low"}}, 1000);
  apply(&d, "d2", {{"type", "set"}, {"value", "high"}}, 1000);  // a tie: d2 > d1
  EXPECT_EQ(value_of(merge(c, d)), "high");
  EXPECT_EQ(merge(c, d), merge(d, c));
  // The known bug keeps the local entry on a tie: the join no longer commutes.
  const CrdtBugs bug{true, false};
  EXPECT_EQ(value_of(merge(c, d, bug)), "low");
  EXPECT_EQ(value_of(merge(d, c, bug)), "high");
}

TEST(Crdt, CountersSumPerActorAndJoinByMaximum) {
  CrdtState g = empty_state(CrdtType::kGCounter), h = g;
  apply(&g, "d1", {{"type", "increment"}, {"value", 2}});
  CrdtState g2 = g;
  apply(&g2, "d1", {{"type", "increment"}, {"value", 3}});
  apply(&h, "d2", {{"type", "increment"}, {"value", 10}});
  EXPECT_EQ(value_of(merge(merge(g, h), g2)), 15);
  EXPECT_EQ(value_of(merge(g2, g)), 5);  // an older state of d1 adds nothing
  CrdtState p = empty_state(CrdtType::kPNCounter);
  apply(&p, "d1", {{"type", "increment"}, {"value", 4}});
  apply(&p, "d1", {{"type", "decrement"}, {"value", 6}});
  EXPECT_EQ(value_of(p), -2);
  EXPECT_EQ(p.context.get("d1"), 2);
}

TEST(Crdt, OrSetAddWinsOverAConcurrentRemoveAndRemovesWhatItObserved) {
  CrdtState base = empty_state(CrdtType::kORSet);
  apply(&base, "d1", {{"type", "add"}, {"value", "milk"}});
  CrdtState left = base, right = base;
  const Applied removed = apply(&left, "d1", {{"type", "remove"}, {"value", "milk"}});
  ASSERT_EQ(removed.observed.size(), 1u);                     // the one tag it saw
  apply(&right, "d2", {{"type", "add"}, {"value", "milk"}});  // concurrent: not observed
  EXPECT_EQ(value_of(merge(left, right)), Json::array({"milk"}));
  EXPECT_EQ(value_of(merge(right, left)), Json::array({"milk"}));
  // A remove that observed both tags removes the element everywhere.
  CrdtState both = merge(left, right);
  apply(&both, "d3", {{"type", "remove"}, {"value", "milk"}});
  EXPECT_EQ(value_of(merge(both, right)), Json::array());
  EXPECT_EQ(value_of(merge(base, both)), Json::array());
  // No tombstones: the removed tags live on as the context only.
  EXPECT_TRUE(std::get<ORSetState>(merge(both, base).payload).tags.empty());
}

TEST(Crdt, OrSetRemoveByElementLosesConcurrentAndLaterAdds) {
  const CrdtBugs bug{false, true};
  CrdtState base = empty_state(CrdtType::kORSet);
  apply(&base, "d1", {{"type", "add"}, {"value", "milk"}}, 1000, bug);
  CrdtState left = base, right = base;
  apply(&left, "d1", {{"type", "remove"}, {"value", "milk"}}, 1000, bug);
  apply(&right, "d2", {{"type", "add"}, {"value", "milk"}}, 1000, bug);
  EXPECT_EQ(value_of(merge(left, right, bug)), Json::array());  // d2's add is lost
  apply(&left, "d1", {{"type", "add"}, {"value", "milk"}}, 1000, bug);
  EXPECT_EQ(value_of(left), Json::array());  // and a later add too
}

TEST(Crdt, MvRegisterKeepsConcurrentWritesAndSupersedesObservedOnes) {
  CrdtState a = empty_state(CrdtType::kMVRegister), b = a;
  apply(&a, "d1", {{"type", "set"}, {"value", "x"}});
  apply(&b, "d2", {{"type", "set"}, {"value", "y"}});
  CrdtState both = merge(a, b);
  EXPECT_EQ(value_of(both), Json::array({"x", "y"}));
  const Applied w = apply(&both, "d1", {{"type", "set"}, {"value", "z"}});
  EXPECT_EQ(w.observed.size(), 2u);
  EXPECT_EQ(value_of(merge(both, a)), Json::array({"z"}));
  EXPECT_EQ(value_of(merge(b, both)), Json::array({"z"}));
}

TEST(Crdt, LwwMapSetsAndRemovesKeysByHlc) {
  CrdtState m = empty_state(CrdtType::kLwwMap);
  apply(&m, "d1", {{"type", "set"}, {"key", "title"}, {"value", "Draft"}}, 1000);
  CrdtState other = m;
  apply(&m, "d1", {{"type", "remove"}, {"key", "title"}}, 2000);
  apply(&other, "d2", {{"type", "set"}, {"key", "title"}, {"value", "Final"}}, 3000);
  apply(&other, "d2", {{"type", "set"}, {"key", "body"}, {"value", 7}}, 3000);
  EXPECT_EQ(value_of(merge(m, other)), (Json{{"title", "Final"}, {"body", 7}}));
  EXPECT_EQ(value_of(m), Json::object());
  EXPECT_EQ(max_hlc(merge(m, other)), (Hlc{3000, 0}));
}

TEST(Crdt, CanonicalEncodingRoundTripsAndIsOrderIndependent) {
  CrdtState a = empty_state(CrdtType::kORSet), b = a;
  apply(&a, "d2", {{"type", "add"}, {"value", "b"}});
  apply(&b, "d1", {{"type", "add"}, {"value", "a"}});
  const CrdtState ab = merge(a, b), ba = merge(b, a);
  EXPECT_EQ(canonical(ab), canonical(ba));
  EXPECT_EQ(
      canonical(ab),
      R"({"state":{"tags":{"a":[["d1",1]],"b":[["d2",1]]}},"type":"ORSet","vv":{"d1":1,"d2":1}})");
  for (CrdtType t : kCrdtTypes) {
    CrdtState s = empty_state(t);
    const Json j = t == CrdtType::kLwwMap  ? Json{{"type", "set"}, {"key", "k"}, {"value", 1}}
                   : t == CrdtType::kORSet ? Json{{"type", "add"}, {"value", "e"}}
                   : t == CrdtType::kGCounter || t == CrdtType::kPNCounter
                       ? Json{{"type", "increment"}, {"value", 2}}
                       : Json{{"type", "set"}, {"value", {1, 2}}};
    apply(&s, "dev", j);
    std::string error;
    const auto back = state_from_json(to_json(s), &error);
    ASSERT_TRUE(back.has_value()) << type_name(t) << ": " << error;
    EXPECT_EQ(*back, s) << type_name(t);
  }
}

TEST(Crdt, TheParserRefusesMalformedStates) {
  const char* const bad[] = {
      R"({"type":"ORSet","vv":{"d1":1},"state":{"tags":{"a":[["d1",2]]}}})",  // dot not covered
      R"({"type":"Banana","vv":{},"state":null})",
      R"({"type":"GCounter","vv":{"d1":1},"state":{"d2":3}})",  // actor not in the context
      R"({"type":"GCounter","vv":{"d1":0},"state":{}})",
      R"({"type":"PNCounter","vv":{"d1":1},"state":{"d1":[1]}})",
      R"({"type":"LWWRegister","vv":{"d1":1},"state":{"value":1,"hlc":[1,0],"node":"d1"}})",
      R"({"type":"MVRegister","vv":{"d1":1},"state":[[["d1",1],1],[["bad actor",1],2]]})",
      R"({"type":"LWWMap","vv":{"d1":1},"state":{"k":{"value":1,"hlc":[1,0],"node":"d1",
          "dot":["d1",1],"deleted":true}}})",  // deleted with a value
      R"({"type":"ORSet","vv":{},"state":{"tags":{}},"extra":1})",
      R"([1,2,3])",
  };
  for (const char* text : bad) {
    std::string error;
    EXPECT_FALSE(state_from_json(Json::parse(text), &error).has_value()) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

TEST(CrdtOps, RefusesOperationsThatDoNotFitTheType) {
  struct Case {
    CrdtType type;
    const char* op;
    const char* says;
  };
  const Case cases[] = {
      {CrdtType::kGCounter, R"({"type":"decrement","value":1})", "not one of GCounter's"},
      {CrdtType::kGCounter, R"({"type":"increment","value":0})", "integer 1.."},
      {CrdtType::kGCounter, R"({"type":"increment","value":"5"})", "integer 1.."},
      {CrdtType::kORSet, R"({"type":"add","value":7})", "a string"},
      {CrdtType::kLwwMap, R"({"type":"set","value":7})", "needs a key"},
      {CrdtType::kLwwMap, R"({"type":"remove","key":"k","value":1})", "takes no value"},
      {CrdtType::kLwwRegister, R"({"type":"set"})", "needs a value"},
      {CrdtType::kLwwRegister, R"({"type":"set","value":1,"colour":"red"})", "unknown fields"},
      {CrdtType::kLwwRegister, R"({"type":"set","value":1,"timestamp":"noon"})", "RFC 3339"},
      {CrdtType::kLwwRegister, R"({"value":1})", "'type'"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(parse_op(c.type, Json::parse(c.op), &error).has_value()) << c.op;
    EXPECT_NE(error.find(c.says), std::string::npos) << c.op << ": " << error;
  }
  std::string error;
  const auto ok = parse_op(CrdtType::kLwwRegister,
                           Json::parse(R"({"type":"set","value":"hello",)"
                                       R"("timestamp":"2024-01-01T10:00:00Z"})"),
                           &error);
  ASSERT_TRUE(ok.has_value()) << error;
  EXPECT_EQ(ok->timestamp_ms, 1704103200000);
  EXPECT_EQ(op_json(*ok), (Json{{"type", "set"}, {"value", "hello"}}));
}

TEST(CrdtOps, LimitsAreRefusedNotTruncated) {
  CrdtState s = empty_state(CrdtType::kMVRegister);
  for (std::size_t i = 0; i < kMaxSiblings; ++i) {
    CrdtState one = empty_state(CrdtType::kMVRegister);
    apply(&one, "d" + std::to_string(i), {{"type", "set"}, {"value", static_cast<int>(i)}});
    s = merge(s, one);
  }
  EXPECT_EQ(check_limits(s), "");
  CrdtState extra = empty_state(CrdtType::kMVRegister);
  apply(&extra, "another", {{"type", "set"}, {"value", -1}});
  EXPECT_NE(check_limits(merge(s, extra)), "");
  CrdtState g = empty_state(CrdtType::kGCounter);
  Applied a;
  CrdtOp big = op(CrdtType::kGCounter, {{"type", "increment"}, {"value", kMaxAmount}});
  std::string error;
  for (int i = 0; i < 2000 && error.empty(); ++i) {
    error = apply_op(&g, big, "d1", Hlc{1, 0}, {}, &a);
  }
  EXPECT_EQ(error, "");  // 2000 x 10^9 is far below the total's limit
}

}  // namespace
}  // namespace fl::sync
