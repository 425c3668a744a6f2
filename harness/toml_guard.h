// A guard in front of toml++ 3.3.0 (Debian 12's, the scenario files' TOML library): its
// generated `is_non_ascii_horizontal_whitespace` reaches `TOML_UNREACHABLE`
// (`__builtin_unreachable()`, undefined behaviour in every build) for most code points in
// U+00A1..U+0499, U+2C5E..U+3057 and U+FB26..U+FEFE, wherever the parser asks whether a character
// is whitespace (found by fuzz_toml; fuzz/README.md). Scenario files are refused any such code
// point before toml++ sees them, with a message saying where and how to write it instead.
#pragma once

#include <string>

namespace fl::harness {

// "" when toml++ 3.3.0 can read `text` without reaching undefined behaviour; otherwise
// "<file>:<line>:<column>: code point U+XXXX ..." naming the first code point it would reach it
// on (lines and columns from 1, columns in bytes). Malformed UTF-8 is left for toml++ to
// report. Pure; linear in the size of `text`.
std::string toml_unsafe_code_point(const std::string& text, const std::string& file);

// Whether toml++ 3.3.0's is_non_ascii_horizontal_whitespace(c) reaches TOML_UNREACHABLE.
bool toml_whitespace_check_is_undefined(char32_t c);

}  // namespace fl::harness
