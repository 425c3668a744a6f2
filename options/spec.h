// OptionSpec: a declared option table (name, type, default, bounds, one line of doc), and
// validate_options(), which checks a JSON object against it and fills in the defaults. Workloads,
// systems' options (scenario files' system_options and `faultline serve` flags) and generators
// declare their options this way, so that one declaration gives the checks, the messages, the
// defaults and the documentation. (reader.h reads options imperatively, for nemeses, whose
// options depend on each other.)
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fl::options {

// One option a component accepts.
struct OptionSpec {
  enum class Kind : std::uint8_t { kInt, kFloat, kBool, kString, kStringList, kTable, kTableList };
  std::string name;
  Kind kind = Kind::kInt;
  nlohmann::json default_value;      // used when the option is absent (null: no default)
  double min = 0, max = 0;           // for kInt/kFloat (inclusive); min == max: no bound
  std::vector<std::string> choices;  // for kString: allowed values (empty: any)
  std::string doc;                   // one line
};

constexpr std::size_t kMaxListItems = 256;

// Fills defaults and checks `given` (a JSON object, or null for none) against `specs`. Returns ""
// or an error such as "keys: expected an integer in 1..100000, got -3" (the caller adds where).
std::string validate_options(const std::vector<OptionSpec>& specs, const nlohmann::json& given,
                             nlohmann::json* resolved);

// "an integer in 1..100000", "one of \"a\", \"b\"": what `spec` expects, in words.
std::string describe(const OptionSpec& spec);

}  // namespace fl::options
