// Proves the checker registry's contract: unknown names and options give unknown with an error
// (never a throw), compose ranks false over unknown over true, and the linearizable and Elle
// entries return valid/invalid with anomalies whose "ops" name history op indexes; and
// (RapidCheck) random, mostly malformed histories never crash or throw through any checker.
#include "checkers/registry.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace fl::checkers {
namespace {

using nlohmann::json;

history::History two_ops(json read_value) {
  history::History h;
  auto add = [&](std::int64_t p, history::OpType t, const char* f, json v) {
    history::Op op;
    op.index = static_cast<std::int64_t>(h.ops.size());
    op.process = p;
    op.type = t;
    op.f = f;
    op.value = std::move(v);
    h.ops.push_back(op);
  };
  add(0, history::OpType::kInvoke, "write", 1);
  add(0, history::OpType::kOk, "write", 1);
  add(history::kNemesisProcess, history::OpType::kInfo, "partition", "majority");
  add(1, history::OpType::kInvoke, "read", nullptr);
  add(1, history::OpType::kOk, "read", read_value);
  return h;
}

TEST(Registry, UnknownNamesAndOptionsAreUnknownWithAnError) {
  const auto h = two_ops(1);
  auto o = run_checker("no-such", json::object(), h);
  EXPECT_EQ(o.valid, Validity::kUnknown);
  EXPECT_NE(o.result["error"].get<std::string>().find("unknown checker"), std::string::npos);
  o = run_checker("linearizable", {{"colour", "red"}}, h);
  EXPECT_EQ(o.valid, Validity::kUnknown);
  EXPECT_TRUE(o.result.contains("error"));
  o = run_checker("linearizable", {{"model", "teapot"}}, h);
  EXPECT_EQ(o.valid, Validity::kUnknown);
  o = run_checker("linearizable", json::array(), h);
  EXPECT_EQ(o.valid, Validity::kUnknown);
  o = run_checker("elle-list-append", {{"expected", "linearizable"}}, h);
  EXPECT_EQ(o.valid, Validity::kUnknown);
  EXPECT_EQ(o.result["valid"], "unknown");
}

TEST(Registry, ComposeFalseBeatsUnknownBeatsTrue) {
  using V = Validity;
  EXPECT_EQ(compose({}), V::kTrue);
  EXPECT_EQ(compose({V::kTrue, V::kTrue}), V::kTrue);
  EXPECT_EQ(compose({V::kTrue, V::kUnknown}), V::kUnknown);
  EXPECT_EQ(compose({V::kUnknown, V::kFalse, V::kTrue}), V::kFalse);
}

TEST(Registry, LinearizableNamesTheFailingOps) {
  auto o = run_checker("linearizable", {{"model", "register"}}, two_ops(1));
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
  EXPECT_EQ(o.result["valid"], true);
  o = run_checker("linearizable", json::object(), two_ops(2));
  ASSERT_EQ(o.valid, Validity::kFalse) << o.result.dump(2);
  const json& a = o.result["anomalies"][0];
  EXPECT_EQ(a["type"], "nonlinearizable");
  ASSERT_FALSE(a["ops"].empty());
  // The prefix's invocations and the blamed read's invocation and completion (last), never the
  // nemesis op.
  for (const json& i : a["ops"]) EXPECT_TRUE(i == 0 || i == 3 || i == 4) << i;
  EXPECT_EQ(a["ops"].back(), 4);
}

TEST(Registry, EveryNameIsListed) {
  const auto names = checker_names();
  for (const char* n :
       {"linearizable", "elle-list-append", "elle-rw-register", "bank", "set", "counter"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
}

json random_value(int depth) {
  switch (*rc::gen::inRange(0, depth > 0 ? 7 : 4)) {
    case 0:
      return nullptr;
    case 1:
      return *rc::gen::inRange(-3, 4);
    case 2:
      return *rc::gen::element<std::string>("x", "y", "append", "r", "w");
    case 3:
      return *rc::gen::arbitrary<bool>();
    case 4:
    case 5: {
      json a = json::array();
      const int n = *rc::gen::inRange(0, 4);
      for (int i = 0; i < n; ++i) a.push_back(random_value(depth - 1));
      return a;
    }
    default: {
      json o = json::object();
      const int n = *rc::gen::inRange(0, 3);
      for (int i = 0; i < n; ++i) {
        o[*rc::gen::element<std::string>("from", "to", "amount", "a", "0")] =
            random_value(depth - 1);
      }
      return o;
    }
  }
}

RC_GTEST_PROP(RegistryProperties, RandomHistoriesNeverCrashAnyChecker, ()) {
  history::History h;
  const int n = *rc::gen::inRange(0, 12);
  for (int i = 0; i < n; ++i) {
    history::Op op;
    op.index = i;
    op.process = *rc::gen::inRange<std::int64_t>(-1, 3);
    op.type = *rc::gen::element(history::OpType::kInvoke, history::OpType::kOk,
                                history::OpType::kFail, history::OpType::kInfo);
    op.f = *rc::gen::element<std::string>("txn", "read", "write", "cas", "add", "transfer",
                                          "acquire", "release", "get", "append");
    op.value = random_value(3);
    h.ops.push_back(op);
  }
  for (const auto& name : checker_names()) {
    const CheckOutcome o = run_checker(name, json::object(), h);
    RC_ASSERT(o.result.contains("valid"));
    RC_ASSERT(o.result["anomalies"].is_array());
  }
  for (const char* model : {"register", "cas-register", "kv", "set", "mutex"}) {
    RC_ASSERT(run_checker("linearizable", {{"model", model}}, h).result.contains("valid"));
  }
}

}  // namespace
}  // namespace fl::checkers
