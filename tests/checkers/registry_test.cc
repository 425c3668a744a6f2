// Proves the checker registry's contract: unknown names and options give unknown with an error
// (never a throw), compose ranks false over unknown over true, and the linearizable and Elle
// entries return valid/invalid with anomalies whose "ops" name history op indexes.
#include "checkers/registry.h"

#include <gtest/gtest.h>

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
  for (const json& i : a["ops"]) EXPECT_TRUE(i == 0 || i == 3) << i;  // invocations, not nemesis
}

TEST(Registry, EveryNameIsListed) {
  const auto names = checker_names();
  for (const char* n :
       {"linearizable", "elle-list-append", "elle-rw-register", "bank", "set", "counter"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
}

}  // namespace
}  // namespace fl::checkers
