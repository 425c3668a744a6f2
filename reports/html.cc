#include "reports/html.h"

#include <cstdio>
#include <vector>

namespace fl::reports {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not valid.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  std::size_t n = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2) n = 2;
  if ((c & 0xF0) == 0xE0) n = 3;
  if ((c & 0xF8) == 0xF0 && c <= 0xF4) n = 4;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {  // advances by at least one byte per step
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      case '"':
        out += "&quot;";
        ++i;
        continue;
      case '\'':
        out += "&#39;";
        ++i;
        continue;
      default:
        break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\t') {
      ++i;  // control characters carry nothing a reader needs
      continue;
    }
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for an invalid byte
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

std::string url_path(std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    const bool safe = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    if (safe) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string truncate_text(std::string_view text, std::size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  std::size_t cut = max_chars;
  // Step back over UTF-8 continuation bytes (at most 3) so a character is never split.
  for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80; ++k) {
    --cut;
  }
  return std::string(text.substr(0, cut)) + "\xE2\x80\xA6";
}

namespace {

constexpr std::size_t kMaxJsonDepth = 64;

// A scalar as compact JSON (strings cut to `max_chars` first, so a huge string is never dumped).
std::string scalar_text(const nlohmann::json& v, std::size_t max_chars) {
  const auto replace = nlohmann::json::error_handler_t::replace;
  if (!v.is_string()) return v.dump(-1, ' ', false, replace);
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() <= max_chars) return v.dump(-1, ' ', false, replace);
  return nlohmann::json(s.substr(0, max_chars)).dump(-1, ' ', false, replace);
}

// One open array or object while serialising.
struct Level {
  nlohmann::json::const_iterator it, end;
  bool object = false;
  bool first = true;
};

}  // namespace

std::string json_text(const nlohmann::json& value, std::size_t max_chars) {
  if (value.is_string()) return truncate_text(value.get_ref<const std::string&>(), max_chars);
  // Iterative, and stops as soon as the text is long enough: the cost is bounded by max_chars,
  // not by the size of the value.
  std::string out;
  std::vector<Level> stack;
  const nlohmann::json* next = &value;
  while (out.size() <= max_chars) {  // each step appends at least one character or pops a level
    if (next != nullptr) {
      const nlohmann::json& v = *next;
      next = nullptr;
      if (!v.is_structured()) {
        out += scalar_text(v, max_chars);
      } else if (stack.size() >= kMaxJsonDepth) {
        out += "\xE2\x80\xA6";
      } else {
        out += v.is_object() ? '{' : '[';
        stack.push_back({v.cbegin(), v.cend(), v.is_object(), true});
      }
      continue;
    }
    if (stack.empty()) break;
    Level& top = stack.back();
    if (top.it == top.end) {
      out += top.object ? '}' : ']';
      stack.pop_back();
      continue;
    }
    if (!top.first) out += ',';
    top.first = false;
    if (top.object) out += scalar_text(nlohmann::json(top.it.key()), max_chars) + ":";
    next = &*top.it;
    ++top.it;
  }
  return truncate_text(out, max_chars);
}

std::string fixed(double value, int decimals) {
  FL_REPORT_ASSERT(decimals >= 0 && decimals <= 9);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string duration_text(std::int64_t ns) {
  const double v = static_cast<double>(ns);
  const double a = v < 0 ? -v : v;
  if (a < 1e3) return std::to_string(ns) + " ns";
  if (a < 1e6) return fixed(v / 1e3, a < 1e4 ? 2 : 1) + " \xC2\xB5s";
  if (a < 1e9) return fixed(v / 1e6, a < 1e7 ? 2 : 1) + " ms";
  return fixed(v / 1e9, a < 1e10 ? 3 : a < 1e11 ? 2 : 1) + " s";
}

std::string count_text(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace fl::reports
