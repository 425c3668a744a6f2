#include "options/reader.h"

#include "system/io/assert.h"

namespace fl::options {

Reader::Reader(std::string owner, const nlohmann::json& json)
    : owner_(std::move(owner)), json_(json.is_null() ? nlohmann::json::object() : json) {
  if (!json_.is_object()) error_ = owner_ + ": options must be a table/object, got " + json.dump();
}

const nlohmann::json* Reader::find(const std::string& key) {
  known_.insert(key);
  if (!json_.is_object()) return nullptr;
  auto it = json_.find(key);
  return it == json_.end() ? nullptr : &*it;
}

void Reader::fail(const std::string& key, const std::string& expected) {
  if (error_.empty()) error_ = owner_ + ": option '" + key + "': expected " + expected;
}

std::int64_t Reader::integer(const std::string& key, std::int64_t fallback, std::int64_t lo,
                             std::int64_t hi) {
  FL_ASSERT(lo <= fallback && fallback <= hi);
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  const std::string want =
      "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + v->dump();
  if (!v->is_number_integer()) {
    fail(key, want);
    return fallback;
  }
  const std::int64_t x = v->get<std::int64_t>();
  if (x < lo || x > hi || (v->is_number_unsigned() && v->get<std::uint64_t>() > 1ULL << 62)) {
    fail(key, want);
    return fallback;
  }
  return x;
}

double Reader::number(const std::string& key, double fallback, double lo, double hi) {
  FL_ASSERT(lo <= fallback && fallback <= hi);
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  const double x = v->is_number() ? v->get<double>() : lo - 1;
  if (!v->is_number() || !(x >= lo && x <= hi)) {
    fail(key,
         "a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + v->dump());
    return fallback;
  }
  return x;
}

std::string Reader::choice(const std::string& key, const std::string& fallback,
                           const std::vector<std::string>& allowed) {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  std::string words;
  for (const auto& a : allowed) {
    if (v->is_string() && v->get<std::string>() == a) return a;
    words += (words.empty() ? "" : "|") + a;
  }
  fail(key, "one of " + words + ", got " + v->dump());
  return fallback;
}

std::vector<std::string> Reader::strings(const std::string& key) {
  const nlohmann::json* v = find(key);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (!v->is_array() || v->size() > kMaxListItems) {
    fail(key, "a list of at most " + std::to_string(kMaxListItems) + " strings, got " + v->dump());
    return out;
  }
  for (const auto& item : *v) {
    if (!item.is_string() || item.get<std::string>().empty()) {
      fail(key, "a list of non-empty strings, got " + v->dump());
      return {};
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

nlohmann::json Reader::raw(const std::string& key) {
  const nlohmann::json* v = find(key);
  return v == nullptr ? nlohmann::json() : *v;
}

std::string Reader::finish() {
  if (!error_.empty() || !json_.is_object()) return error_;
  for (const auto& [key, value] : json_.items()) {
    if (known_.count(key) == 0) {
      std::string names;
      for (const auto& k : known_) names += (names.empty() ? "" : ", ") + k;
      return owner_ + ": unknown option '" + key + "' (known: " + names + ")";
    }
  }
  return "";
}

}  // namespace fl::options
