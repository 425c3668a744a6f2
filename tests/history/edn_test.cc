// Proves the EDN history reader: Jepsen's shapes (one op per line, a top-level vector, records,
// sets, lists, comments, #_ discards, character literals, :nemesis) read into ops; malformed input
// names the line and what was expected; and, by RapidCheck, random bytes and mutated valid
// histories never crash it, and generated histories survive a write/read round trip unchanged.
#include "history/edn.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <sstream>

namespace fl::history {
namespace {

using nlohmann::json;

bool read(const std::string& text, History* h, ParseError* e) {
  std::istringstream in(text);
  return read_edn(in, h, e);
}

TEST(Edn, ReadsJepsenShapes) {
  const std::string text = R"(; an Elle history
{:type :invoke, :f :txn, :value [[:append 9 1] [:r 9 nil]], :process 0, :time 10, :index 0}
{:type :ok, :f :txn, :value [[:append 9 1] [:r 9 [1]]], :process 0, :time 20, :index 1}
{:type :info, :f :start-partition, :value #{:n1 :n2}, :process :nemesis, :time 30}
#jepsen.history.Op{:type :invoke, :f :read, :value nil, :process 1, :extra "x\ty"}
{:type :fail, :f :read, :value (1 -2 3N), :process 1, :error {:code 7, 0 "zero"}}
)";
  History h;
  ParseError e;
  ASSERT_TRUE(read(text, &h, &e)) << e.to_string();
  ASSERT_EQ(h.ops.size(), 5u);
  EXPECT_EQ(h.ops[0].f, "txn");
  EXPECT_EQ(h.ops[0].value, json::parse(R"([["append",9,1],["r",9,null]])"));
  EXPECT_EQ(h.ops[1].type, OpType::kOk);
  EXPECT_EQ(h.ops[1].time_ns, 20);
  EXPECT_EQ(h.ops[2].process, kNemesisProcess);
  EXPECT_EQ(h.ops[2].value, json::parse(R"(["n1","n2"])"));
  EXPECT_EQ(h.ops[2].index, 2);  // defaults to the position
  EXPECT_EQ(h.ops[3].extra["extra"], "x\ty");
  EXPECT_EQ(h.ops[4].value, json::parse("[1,-2,3]"));
  EXPECT_EQ(h.ops[4].extra["error"], json::parse(R"({"code":7,"0":"zero"})"));
  // The same ops as one top-level vector spread over lines.
  History v;
  ASSERT_TRUE(
      read("[{:type :invoke, :f :read, :process 0}\n {:type :ok, :f :read, :value 3, "
           ":process 0}]",
           &v, &e))
      << e.to_string();
  ASSERT_EQ(v.ops.size(), 2u);
  EXPECT_EQ(v.ops[1].value, 3);
}

TEST(Edn, DiscardsFormsAfterHashUnderscore) {
  const std::string text = R"(#_{:type :invoke, :f :read, :process 9}
{:type :invoke, :f :read, :value #_ [1 2] nil, :process 0 #_ :ignored #_ 5}
{:type :ok, :f :read, :value [1 #_ #_ 2 3 4], :process #_ 7 0}
#_ #_ {:a 1} {:b 2}
)";
  History h;
  ParseError e;
  ASSERT_TRUE(read(text, &h, &e)) << e.to_string();
  ASSERT_EQ(h.ops.size(), 2u);
  EXPECT_TRUE(h.ops[0].value.is_null());
  EXPECT_EQ(h.ops[0].process, 0);
  EXPECT_EQ(h.ops[1].value, json::parse("[1,4]"));
  EXPECT_EQ(h.ops[1].process, 0);
  // A top-level vector with discarded elements keeps the line of each op it reads.
  History v;
  ASSERT_TRUE(read("[#_ {:type :ok}\n {:type :ok, :f :read, :process 3}]", &v, &e))
      << e.to_string();
  ASSERT_EQ(v.ops.size(), 1u);
  EXPECT_EQ(v.ops[0].process, 3);
}

TEST(Edn, ReadsCharacterLiteralsAsOneCharacterStrings) {
  const std::string text =
      "{:type :ok, :f :read, :process 0, :value [\\a \\newline \\space \\tab \\u00e9 "
      "\\( \\] \\\" \\; \\é]}";
  History h;
  ParseError e;
  ASSERT_TRUE(read(text, &h, &e)) << e.to_string();
  ASSERT_EQ(h.ops.size(), 1u);
  EXPECT_EQ(h.ops[0].value,
            json::parse(R"(["a", "\n", " ", "\t", "\u00e9", "(", "]", "\"", ";", "\u00e9"])"));
}

TEST(Edn, MalformedInputNamesTheLineAndTheExpectation) {
  struct Case {
    std::string text;
    std::size_t line;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"{:type :ok, :f :read, :process 0}\n{:type :ok, :f :read", 2, "closing '}'"},
      {"{:type :ok, :f :read, :process 0}\n\n{:type :maybe, :f :x, :process 0}", 3, "\"type\""},
      {"{:f :read, :process 0}", 1, "\"type\""},
      {"{:type :ok :f}", 1, "a value for every map key"},
      {"{:type :ok, :f :read, :process 0]", 1, "'}', not ']'"},
      {"[{:type :ok, :f :r, :process 0}\n 42]", 2, "an op as a map"},
      {"{:type :ok, :f \"unterminated, :process 0}", 1, "closing \""},
      {"{:type :ok, :f :r, :process 99999999999999999999}", 1, "64 bits"},
      {"{:type :ok, :f :r, :process 0, :value \"\\q\"}", 1, "string escape"},
      {")", 1, "a value, not ')'"},
      {"{:type :ok, :f :r, :process 0}\n#jepsen.history.Op", 2, "a value after the tag"},
      {"{:type :ok, :f :r, :process 0, :value [1 #_]}", 1, "a form after #_, not ']'"},
      {"{:type :ok, :f :r, :process 0}\n#_", 2, "a form after #_"},
      {"{:type :ok, :f :r, :process 0, :value \\abc}", 1, "a character literal, not \\abc"},
      {"{:type :ok, :f :r, :process 0, :value \\ }", 1, "a character after"},
      {"{:type :ok, :f :r, :process 0, :value \\u12}", 1, "a character literal, not \\u12"},
      {"{:type :ok, :f :r, :process 0, :value \\uzzzz}", 1, "four hex digits"},
  };
  for (const Case& c : cases) {
    History h;
    ParseError e;
    EXPECT_FALSE(read(c.text, &h, &e)) << c.text;
    EXPECT_EQ(e.line, c.line) << c.text << " -> " << e.to_string();
    EXPECT_NE(e.message.find(c.expected), std::string::npos) << c.text << " -> " << e.message;
  }
}

TEST(Edn, DeepNestingIsAnErrorNotACrash) {
  History h;
  ParseError e;
  EXPECT_FALSE(read(std::string(100000, '['), &h, &e));
  EXPECT_NE(e.message.find("nesting"), std::string::npos);
}

const std::string kValid =
    "{:type :invoke, :f :txn, :value [[:append :x 1] [:r :y nil]], :process 0, :time 1}\n"
    "{:type :ok, :f :txn, :value [[:append :x 1] [:r :y [2 3]]], :process 0, :time 2}\n"
    "{:type :info, :f :kill, :value #{\"n1\"}, :process :nemesis}\n";

RC_GTEST_PROP(EdnProperties, RandomBytesNeverCrash, ()) {
  const auto bytes = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  History h;
  ParseError e;
  if (!read(bytes, &h, &e)) RC_ASSERT(e.line >= 1u);
}

RC_GTEST_PROP(EdnProperties, MutatedValidHistoriesNeverCrash, ()) {
  std::string text = kValid;
  const int edits = *rc::gen::inRange(1, 8);
  for (int i = 0; i < edits; ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
    const char c = *rc::gen::elementOf(std::string("{}[]()#:\";\\ ,\n0aN"));
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        text[at] = c;
        break;
      case 1:
        text.insert(text.begin() + static_cast<long>(at), c);
        break;
      default:
        text.erase(at, 1);
    }
  }
  History h;
  ParseError e;
  if (!read(text, &h, &e)) RC_ASSERT(e.line >= 1u && !e.message.empty());
}

rc::Gen<json> gen_scalar() {
  return rc::gen::oneOf(
      rc::gen::just(json(nullptr)),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); }),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t i) { return json(i); }),
      rc::gen::map(rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127)),
                   [](std::string s) { return json(s); }));
}

json gen_value(int depth) {
  if (depth == 0 || *rc::gen::inRange(0, 3) == 0) return *gen_scalar();
  json v = *rc::gen::inRange(0, 2) == 0 ? json::array() : json::object();
  const int n = *rc::gen::inRange(0, 4);
  for (int i = 0; i < n; ++i) {
    if (v.is_array()) {
      v.push_back(gen_value(depth - 1));
    } else {
      const std::string k = *rc::gen::element<std::string>("a", "b-c", "0", "with space", "k?");
      v[k] = gen_value(depth - 1);
    }
  }
  return v;
}

RC_GTEST_PROP(EdnProperties, GeneratedHistoriesRoundTrip, ()) {
  History h;
  const int n = *rc::gen::inRange(0, 20);
  std::string text;
  for (int i = 0; i < n; ++i) {
    Op op;
    op.index = *rc::gen::inRange<std::int64_t>(0, 1000);
    op.time_ns = *rc::gen::inRange<std::int64_t>(0, 1'000'000);
    op.process = *rc::gen::inRange<std::int64_t>(-1, 5);
    op.type = *rc::gen::element(OpType::kInvoke, OpType::kOk, OpType::kFail, OpType::kInfo);
    op.f = *rc::gen::element<std::string>("read", "write", "txn", "cas", "start partition");
    op.value = gen_value(3);
    if (*rc::gen::inRange(0, 3) == 0) op.extra["error"] = gen_value(2);
    text += to_edn_line(op) + "\n";
    h.ops.push_back(op);
  }
  History back;
  ParseError e;
  RC_ASSERT(read(text, &back, &e));
  RC_ASSERT(back.ops.size() == h.ops.size());
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    RC_ASSERT(to_json_line(back.ops[i]) == to_json_line(h.ops[i]));
  }
}

}  // namespace
}  // namespace fl::history
