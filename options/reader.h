// Reader: reads a JSON object of options (a scenario file's table, --options, a system's
// options) with checked types and ranges, imperatively: every accessor takes a default and the
// allowed range; the first problem (wrong type, out of range, not one of the allowed words) is
// kept, and finish() also reports keys nobody asked for (unknown options). Messages name the
// owner ("nemesis 'kill'"), the key and what was expected. Declared option tables (spec.h) are
// the other face of the same module: both are the one way options are read in faultline.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace fl::options {

class Reader {
 public:
  static constexpr std::size_t kMaxListItems = 256;

  // `owner` prefixes messages. REQUIRES: json is an object or null (else error() says so).
  Reader(std::string owner, const nlohmann::json& json);

  std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t lo,
                       std::int64_t hi);
  double number(const std::string& key, double fallback, double lo, double hi);
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  // A list of strings (empty when absent).
  std::vector<std::string> strings(const std::string& key);
  // The raw value (null when absent), for nested options; marks the key as known.
  nlohmann::json raw(const std::string& key);
  // Records a problem found by the caller (first one wins).
  void fail(const std::string& key, const std::string& expected);
  // Records a complete message (from a nested Reader) as the problem (first one wins).
  void fail_with(const std::string& message) {
    if (error_.empty()) error_ = message;
  }

  // "" when every option was valid and known; otherwise the first problem.
  std::string finish();
  const std::string& owner() const { return owner_; }

 private:
  const nlohmann::json* find(const std::string& key);

  std::string owner_;
  nlohmann::json json_;
  std::set<std::string> known_;
  std::string error_;
};

}  // namespace fl::options
