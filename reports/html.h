// Text helpers for the HTML renderers: escaping (the only way run data reaches a page), bounded
// truncation and number formatting. Pure functions, no state.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

// The reports' own always-on assertion (reports/ may not include system/io/assert.h).
#define FL_REPORT_ASSERT(cond)                                                       \
  do {                                                                               \
    if (!(cond)) [[unlikely]] {                                                      \
      std::cerr << __FILE__ << ":" << __LINE__ << ": assertion failed: " #cond "\n"; \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

namespace fl::reports {

// Escapes text for use in HTML element content AND in quoted attribute values: & < > " ' become
// entities, control characters other than tab/newline are dropped and invalid UTF-8 bytes become
// U+FFFD, so no input can open a tag, close an attribute or smuggle a script.
std::string esc(std::string_view text);

// Percent-encodes a relative path for an href (keeps A-Z a-z 0-9 - _ . ~ /); a ':' is always
// encoded, so a path can never be read as a URL scheme such as javascript:.
std::string url_path(std::string_view path);

// Cuts text to at most max_chars bytes (on a UTF-8 boundary) and appends "…" when it cut.
std::string truncate_text(std::string_view text, std::size_t max_chars);

// A JSON value as compact text, truncated to max_chars; strings are shown without quotes.
std::string json_text(const nlohmann::json& value, std::size_t max_chars);

// Fixed-point formatting with `decimals` digits (no locale).
std::string fixed(double value, int decimals);

// A duration in ns as human text: "830 ns", "12.4 µs", "3.27 ms", "1.502 s", "19.64 s", "600.0 s".
std::string duration_text(std::int64_t ns);

// A count with thousands separators: 1234567 -> "1,234,567".
std::string count_text(std::uint64_t n);

}  // namespace fl::reports
