// Proves the text helpers every page relies on: escaping leaves no character that could open a
// tag or end an attribute (checked on arbitrary strings with RapidCheck, and decoded back to the
// input), invalid UTF-8 and control bytes are neutralised, hrefs cannot become URL schemes,
// truncation never splits a character, and the tick/duration formatting is as documented.
#include "reports/html.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

#include "reports/svg.h"

namespace fl::reports {
namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool hit = false;
    for (auto [ent, ch] : {std::pair{"&amp;", '&'},
                           {"&lt;", '<'},
                           {"&gt;", '>'},
                           {"&quot;", '"'},
                           {"&#39;", '\''}}) {
      const std::string e = ent;
      if (s.compare(i, e.size(), e) == 0) {
        out += ch;
        i += e.size();
        hit = true;
        break;
      }
    }
    if (!hit) out += s[i++];
  }
  return out;
}

TEST(Html, EscapesMarkupCharacters) {
  EXPECT_EQ(esc("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(esc("plain text, µs"), "plain text, µs");
}

TEST(Html, NeutralisesControlBytesAndInvalidUtf8) {
  EXPECT_EQ(esc(std::string("a\x01"
                            "b\x1b[31mc",
                            9)),
            "ab[31mc");
  EXPECT_EQ(esc("tab\tnew\nline"), "tab\tnew\nline");
  EXPECT_EQ(esc("x\xff"
                "y"),
            "x\xEF\xBF\xBDy");
  EXPECT_EQ(esc("\xC3"), "\xEF\xBF\xBD");  // a cut two-byte sequence
}

RC_GTEST_PROP(Html, EscapedTextHasNoMarkupAndDecodesBack, (const std::string& text)) {
  const std::string e = esc(text);
  RC_ASSERT(e.find_first_of("<>\"'") == std::string::npos);
  for (char c : e) RC_ASSERT(static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t');
  // Printable ASCII input comes back exactly.
  std::string ascii;
  for (char c : text) {
    if (c >= 0x20 && c < 0x7f) ascii += c;
  }
  RC_ASSERT(unescape(esc(ascii)) == ascii);
}

TEST(Html, UrlPathCannotBecomeAScheme) {
  EXPECT_EQ(url_path("runs/42/report.html"), "runs/42/report.html");
  EXPECT_EQ(url_path("javascript:alert(1)"), "javascript%3Aalert%281%29");
  EXPECT_EQ(url_path("a b\"<c>"), "a%20b%22%3Cc%3E");
}

TEST(Html, TruncateKeepsWholeCharacters) {
  EXPECT_EQ(truncate_text("short", 10), "short");
  EXPECT_EQ(truncate_text("abcdef", 3), "abc\xE2\x80\xA6");
  EXPECT_EQ(truncate_text("ab\xC2\xB5"
                          "cd",
                          3),
            "ab\xE2\x80\xA6");  // not half of µ
}

TEST(Html, JsonTextShowsStringsBareAndReplacesBadUtf8) {
  EXPECT_EQ(json_text("hello", 100), "hello");
  EXPECT_EQ(json_text(nlohmann::json::array({1, "x", nullptr}), 100), "[1,\"x\",null]");
  EXPECT_NO_THROW(json_text(nlohmann::json::array({std::string("\xff")}), 100));
}

// Printable ASCII only, so the dump's characters map one to one onto the input's.
std::string ascii(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(0x20 + (static_cast<unsigned char>(c) % 0x5f));
  return out;
}

RC_GTEST_PROP(Html, JsonTextIsTheDumpCutToLength,
              (const std::vector<std::vector<std::string>>& rows,
               const std::map<std::string, std::vector<int>>& cols, unsigned cut)) {
  nlohmann::json r = nlohmann::json::array(), c = nlohmann::json::object();
  for (const auto& row : rows) {
    r.push_back(nlohmann::json::array());
    for (const auto& x : row) r.back().push_back(ascii(x));
  }
  for (const auto& [k, v] : cols) c[ascii(k)] = v;
  const nlohmann::json v = {{"rows", r}, {"cols", c}, {"n", nullptr}, {"t", true}};
  const std::string full = v.dump();
  RC_ASSERT(json_text(v, full.size()) == full);
  const std::size_t max = cut % (full.size() + 1);
  RC_ASSERT(json_text(v, max) == truncate_text(full, max));
}

TEST(Html, JsonTextCostIsBoundedByItsLength) {
  nlohmann::json big = nlohmann::json::array();
  for (int i = 0; i < 200'000; ++i) big.push_back({{"k", i}, {"v", std::string(50, 'x')}});
  big.push_back(std::string(10'000'000, 'y'));
  EXPECT_EQ(json_text(big, 20), "[{\"k\":0,\"v\":\"xxxxxxx\xE2\x80\xA6");
  nlohmann::json deep = nlohmann::json::array();
  nlohmann::json* at = &deep;
  for (int i = 0; i < 1'000; ++i) {
    at->push_back(nlohmann::json::array());
    at = &at->back();
  }
  EXPECT_EQ(json_text(deep, 100).substr(0, 64), std::string(64, '['));
}

TEST(Html, Durations) {
  EXPECT_EQ(duration_text(830), "830 ns");
  EXPECT_EQ(duration_text(12'400), "12.4 \xC2\xB5s");
  EXPECT_EQ(duration_text(3'270'000), "3.27 ms");
  EXPECT_EQ(duration_text(1'502'000'000), "1.502 s");
  EXPECT_EQ(count_text(1234567), "1,234,567");
  EXPECT_EQ(count_text(12), "12");
}

TEST(Svg, TickStepsAreNiceAndBounded) {
  EXPECT_EQ(tick_step_ns(10'000'000'000, 16), 1'000'000'000);
  EXPECT_EQ(tick_step_ns(60'000'000'000, 16), 5'000'000'000);
  EXPECT_EQ(tick_step_ns(1, 16), 1);
  for (std::int64_t range = 1; range < 4'000'000'000'000'000'000; range = range * 3 + 1) {
    const std::int64_t step = tick_step_ns(range, 16);
    EXPECT_LT(range / step, 16) << range;
  }
  EXPECT_EQ(tick_label(2'000'000'000, 1'000'000'000), "2 s");
  EXPECT_EQ(tick_label(250'000'000, 50'000'000), "0.25 s");
  EXPECT_EQ(tick_label(4'000'000, 2'000'000), "4 ms");
}

}  // namespace
}  // namespace fl::reports
