#include "history/json_guard.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

namespace fl::history {
namespace {

constexpr std::size_t kMaxNumberShown = 40;  // characters of a bad number quoted in a message

bool number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

std::string shown(std::string_view t) {
  if (t.size() <= kMaxNumberShown) return std::string(t);
  return std::string(t.substr(0, kMaxNumberShown)) + "...";
}

// REQUIRES: t is a maximal run of number characters starting with '-' or a digit.
std::string check_number(std::string_view t) {
  const bool integer = t.find_first_of(".eE") == std::string_view::npos;
  const std::string s(t);
  errno = 0;
  char* end = nullptr;
  if (integer) {
    if (s[0] == '-') {
      (void)std::strtoll(s.c_str(), &end, 10);
    } else {
      (void)std::strtoull(s.c_str(), &end, 10);
    }
    if (errno == ERANGE) return "the integer " + shown(t) + " does not fit 64 bits";
    return "";
  }
  const double d = std::strtod(s.c_str(), &end);
  if (errno == ERANGE && std::isinf(d)) {
    return "the number " + shown(t) + " is out of range of a double (at most about 1.8e308)";
  }
  return "";
}

}  // namespace

std::string scan_json_text(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {  // one pass: at most text.size() steps
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return "nesting deeper than 256";
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t j = i;
      while (j < text.size() && number_char(text[j])) ++j;
      const std::string bad = check_number(text.substr(i, j - i));
      if (!bad.empty()) return bad;
      i = j - 1;
    }
  }
  return "";
}

std::size_t invalid_utf8_line(std::string_view s) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < s.size();) {  // each step consumes at least one byte
    const auto c = static_cast<unsigned char>(s[i]);
    line += c == '\n';
    const std::size_t n = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
    if (n == 0 || i + n > s.size()) return line;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return line;
      cp = (cp << 6) | (b & 0x3F);
    }
    const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return line;
    i += n;
  }
  return 0;
}

std::size_t json_depth(const nlohmann::json& v, std::size_t limit) {
  struct Item {
    const nlohmann::json* v;
    std::size_t depth;
  };
  std::vector<Item> stack{{&v, 0}};
  std::size_t deepest = 0;
  while (!stack.empty()) {  // each value is visited once; a value deeper than limit stops it
    const Item it = stack.back();
    stack.pop_back();
    if (!it.v->is_structured()) continue;
    const std::size_t d = it.depth + 1;
    if (d > deepest) deepest = d;
    if (deepest > limit) return limit + 1;
    for (const auto& child : *it.v) stack.push_back({&child, d});
  }
  return deepest;
}

}  // namespace fl::history
