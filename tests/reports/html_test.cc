// Proves the text helpers every page relies on: escaping leaves no character that could open a
// tag or end an attribute (checked on arbitrary strings with RapidCheck, and decoded back to the
// input), invalid UTF-8 and control bytes are neutralised, hrefs cannot become URL schemes,
// truncation never splits a character, and the tick/duration formatting is as documented.
#include "reports/html.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

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
