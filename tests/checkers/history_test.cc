// Proves the JSON-lines history reader: a round trip keeps every field (extra ones included),
// "nemesis" processes map both ways, and each kind of malformed line is refused with an error
// naming the line and what was expected (never a throw), including random garbage (RapidCheck).
#include "history/history.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>

namespace fl::history {
namespace {

TEST(History, RoundTripKeepsEveryField) {
  const std::string text =
      "{\"index\":0,\"time\":5,\"process\":3,\"type\":\"invoke\",\"f\":\"txn\","
      "\"value\":[[\"append\",3,7]],\"node\":\"n1\"}\n"
      "{\"index\":1,\"time\":9,\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"kill\","
      "\"value\":null}\n";
  std::istringstream in(text);
  History h;
  ParseError e;
  ASSERT_TRUE(read_jsonl(in, &h, &e)) << e.to_string();
  ASSERT_EQ(h.ops.size(), 2u);
  EXPECT_EQ(h.ops[0].extra["node"], "n1");
  EXPECT_EQ(h.ops[1].process, kNemesisProcess);
  Op again;
  ASSERT_TRUE(parse_op(to_json_line(h.ops[0]), 1, &again, &e));
  EXPECT_EQ(to_json_line(again), to_json_line(h.ops[0]));
  EXPECT_NE(to_json_line(h.ops[1]).find("\"nemesis\""), std::string::npos);
}

TEST(History, MalformedLinesNameTheLineAndTheExpectation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "a JSON object"},
      {"[1,2]", "a JSON object"},
      {"{\"process\":1,\"f\":\"read\"}", "a \"type\" field"},
      {"{\"type\":\"ok\",\"f\":\"read\"}", "a \"process\" field"},
      {"{\"type\":\"done\",\"process\":1,\"f\":\"read\"}", "invoke, ok, fail, info"},
      {"{\"type\":\"ok\",\"process\":1.5,\"f\":\"read\"}", "\"process\" as an integer"},
      {"{\"type\":\"ok\",\"process\":1,\"f\":3}", "\"f\" as a string"},
      {"{\"type\":\"ok\",\"process\":1,\"f\":\"r\",\"time\":\"x\"}", "\"time\" as integer"},
  };
  for (const auto& [line, expected] : cases) {
    std::istringstream in("{\"type\":\"ok\",\"process\":1,\"f\":\"r\"}\n\n" + line + "\n");
    History h;
    ParseError e;
    EXPECT_FALSE(read_jsonl(in, &h, &e)) << line;
    EXPECT_EQ(e.line, 3u) << line;
    EXPECT_NE(e.message.find(expected), std::string::npos) << line << " -> " << e.message;
  }
}

RC_GTEST_PROP(History, GarbageNeverThrows, (std::string garbage)) {
  std::istringstream in(garbage);
  History h;
  ParseError e;
  const bool ok = read_jsonl(in, &h, &e);
  if (!ok) RC_ASSERT(e.line >= 1u);
}

}  // namespace
}  // namespace fl::history
