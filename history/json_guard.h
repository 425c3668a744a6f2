// Guards for untrusted text and JSON before and after nlohmann parses it. nlohmann's parser is
// iterative, but copying, comparing and dumping a value recurse once per nesting level, so a value
// nested 75,000 deep overflows the stack long after parsing succeeded; and nlohmann silently reads
// an integer past 64 bits as a double and refuses 1e400 with no reason given. These checks run
// first, without recursion, and say what is wrong.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace fl::history {

constexpr std::size_t kMaxJsonDepth = 256;  // the same bound as EDN (kMaxEdnDepth)

// Scans JSON text (not validating it otherwise): nesting of [ and { outside strings at most
// kMaxJsonDepth, every integer literal within 64 bits (signed, or unsigned if positive), every
// other number finite as a double. Returns "" or what is wrong ("nesting deeper than 256",
// "the integer 123... does not fit 64 bits", "the number 1e400 is out of range of a double").
std::string scan_json_text(std::string_view text);

// The nesting depth of an already parsed value, counted without recursion and only up to
// `limit` + 1 (a deeper value returns limit + 1). A scalar has depth 0.
std::size_t json_depth(const nlohmann::json& v, std::size_t limit);

// The 1-based line of the first byte of `s` that is not valid UTF-8 (overlong forms, surrogates
// and code points past U+10FFFF included), or 0 when `s` is valid UTF-8. (nlohmann throws when
// dumping a string that is not, so readers that build JSON strings check their text first.)
std::size_t invalid_utf8_line(std::string_view s);

}  // namespace fl::history
