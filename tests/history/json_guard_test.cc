// Proves that no history input crashes or silently changes on the way in: a JSON value nested
// 75,000 deep (which segfaulted every checker through a recursive copy) is refused with a message,
// as is a parsed value nested past the bound; integers past 64 bits and 1e400 are refused in JSON
// lines and in EDN with a message that says so; and an EDN file handed to the JSON-lines reader
// is told to read as EDN.
#include "history/json_guard.h"

#include <gtest/gtest.h>

#include <sstream>

#include "history/edn.h"
#include "history/history.h"

namespace fl::history {
namespace {

bool jsonl(const std::string& text, History* h, ParseError* e) {
  std::istringstream in(text);
  return read_jsonl(in, h, e);
}
bool edn(const std::string& text, History* h, ParseError* e) {
  std::istringstream in(text);
  return read_edn(in, h, e);
}
std::string nested(std::size_t depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}
std::string op_with_value(const std::string& value) {
  return "{\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":" + value + "}\n";
}

TEST(JsonGuard, DeepNestingIsRefusedNotACrash) {
  History h;
  ParseError e;
  EXPECT_FALSE(jsonl(op_with_value(nested(75'000)), &h, &e));
  EXPECT_NE(e.message.find("nesting deeper than 256"), std::string::npos) << e.to_string();
  EXPECT_EQ(e.line, 1u);
  // At the bound it reads (the op map is one more level).
  EXPECT_TRUE(jsonl(op_with_value(nested(255)), &h, &e)) << e.to_string();
  EXPECT_FALSE(jsonl(op_with_value(nested(256)), &h, &e));
  // Brackets inside strings do not count.
  EXPECT_TRUE(jsonl(op_with_value("\"" + std::string(1000, '[') + "\""), &h, &e)) << e.to_string();
}

TEST(JsonGuard, ParsedValuesPastTheBoundAreRefused) {
  const nlohmann::json deep = nlohmann::json::parse(nested(300));
  EXPECT_EQ(json_depth(deep, 256), 257u);
  EXPECT_EQ(json_depth(nlohmann::json::parse(nested(3)), 256), 3u);
  EXPECT_EQ(json_depth(nlohmann::json(5), 256), 0u);
  nlohmann::json op = {{"process", 0}, {"type", "ok"}, {"f", "read"}, {"value", deep}};
  Op out;
  ParseError e;
  EXPECT_FALSE(op_from_json(op, 7, &out, &e));
  EXPECT_EQ(e.line, 7u);
  EXPECT_NE(e.message.find("256"), std::string::npos) << e.message;
}

TEST(JsonGuard, NumbersPast64BitsOrADoubleSaySo) {
  History h;
  ParseError e;
  EXPECT_FALSE(jsonl(op_with_value("18446744073709551616"), &h, &e));
  EXPECT_NE(e.message.find("does not fit 64 bits"), std::string::npos) << e.message;
  EXPECT_FALSE(jsonl(op_with_value("-9223372036854775809"), &h, &e));
  EXPECT_NE(e.message.find("does not fit 64 bits"), std::string::npos) << e.message;
  EXPECT_FALSE(jsonl(op_with_value("1e400"), &h, &e));
  EXPECT_NE(e.message.find("1e400 is out of range"), std::string::npos) << e.message;
  // The largest unsigned value reads, but not as an index, time or process.
  EXPECT_TRUE(jsonl(op_with_value("18446744073709551615"), &h, &e)) << e.to_string();
  EXPECT_FALSE(jsonl("{\"process\":18446744073709551615,\"type\":\"ok\",\"f\":\"r\"}", &h, &e));
  EXPECT_TRUE(jsonl(op_with_value("[1.5e300, -2, 0.25]"), &h, &e)) << e.to_string();
  // EDN says the same.
  EXPECT_FALSE(edn("{:process 0, :type :ok, :f :r, :value 1e400}", &h, &e));
  EXPECT_NE(e.message.find("range of a double"), std::string::npos) << e.message;
  EXPECT_FALSE(edn("{:process 0, :type :ok, :f :r, :value 99999999999999999999N}", &h, &e));
  EXPECT_NE(e.message.find("fits 64 bits"), std::string::npos) << e.message;
}

TEST(JsonGuard, EdnGivenToTheJsonLinesReaderIsNamed) {
  History h;
  ParseError e;
  for (const char* text : {"({:process 0, :type :invoke, :f :read})", "[{:process 0}]",
                           "{:process 0, :type :ok, :f :read}", "; a comment\n{:a 1}"}) {
    EXPECT_FALSE(jsonl(text, &h, &e)) << text;
    EXPECT_NE(e.message.find("EDN"), std::string::npos) << e.message;
  }
  ASSERT_TRUE(edn("({:process 0, :type :invoke, :f :read})", &h, &e)) << e.to_string();
  EXPECT_EQ(h.format, SourceFormat::kEdn);
  ASSERT_TRUE(jsonl(op_with_value("1"), &h, &e));
  EXPECT_EQ(h.format, SourceFormat::kJsonLines);
}

TEST(JsonGuard, EdnThatIsNotUtf8IsRefused) {
  History h;
  ParseError e;
  EXPECT_FALSE(edn("{:process 0, :type :ok, :f :r}\n{:value \"\xff\"}", &h, &e));
  EXPECT_EQ(e.line, 2u);
  EXPECT_NE(e.message.find("UTF-8"), std::string::npos) << e.message;
  EXPECT_FALSE(edn("{:value \"\xc0\xaf\"}", &h, &e));      // overlong '/'
  EXPECT_FALSE(edn("{:value \"\xed\xa0\x80\"}", &h, &e));  // a surrogate
  EXPECT_TRUE(edn("{:process 0, :type :ok, :f :r, :value \"h\xc3\xa9 \xf0\x9f\x98\x80\"}", &h, &e))
      << e.to_string();
}

}  // namespace
}  // namespace fl::history
