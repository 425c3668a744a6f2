// Jepsen EDN histories: the subset Jepsen, Knossos and Elle write. Values: maps (keyword,
// string or integer keys), vectors, lists, sets, strings, integers, floats, nil, true/false,
// keywords (which become plain strings: `:invoke` -> "invoke"), tagged values (`#tag v`, the tag
// dropped: records like `#jepsen.history.Op{...}`), comments and commas as whitespace.
// A history is one op map per line (or several, or spread over lines), or a single top-level
// vector of op maps. Op maps carry :type (:invoke|:ok|:fail|:info), :f, :value, :process (an
// integer or :nemesis), optional :time and :index; other keys are kept in Op::extra.
// Malformed input gets an error naming the line and what was expected; nothing throws, nothing
// recurses, nesting is bounded.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>

#include "history/history.h"

namespace fl::history {

constexpr std::size_t kMaxEdnDepth = 256;
constexpr std::size_t kMaxEdnBytes = std::size_t{1} << 31;

// Parses every top-level EDN form in `text` into *forms (as JSON). On error returns false.
bool parse_edn(const std::string& text, std::vector<nlohmann::json>* forms,
               std::vector<std::size_t>* form_lines, ParseError* error);
// Reads an EDN history. On error returns false and fills *error; never throws.
bool read_edn(std::istream& in, History* out, ParseError* error);
// Writes one op as an EDN map (keywords for type, f and string map keys).
std::string to_edn_line(const Op& op);
std::string to_edn(const nlohmann::json& value);

}  // namespace fl::history
