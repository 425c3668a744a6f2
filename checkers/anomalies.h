// Collects a checker's anomalies as JSON: every one counted by type, the first
// kMaxAnomaliesPerType of each type kept with their explanation and history op indexes.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fl::checkers {

constexpr std::size_t kMaxAnomaliesPerType = 16;

class Anomalies {
 public:
  void add(const std::string& type, const std::string& explanation,
           const std::vector<std::int64_t>& ops) {
    if (counts_[type]++ >= kMaxAnomaliesPerType) return;
    list_.push_back({{"type", type}, {"explanation", explanation}, {"ops", ops}});
  }
  bool any(const std::string& type) const { return counts_.count(type) != 0; }
  bool empty() const { return counts_.empty(); }
  // Writes "anomalies", "anomaly-counts" and "anomaly-types" into *result.
  void write(nlohmann::json* result) const {
    (*result)["anomalies"] = list_;
    (*result)["anomaly-counts"] = counts_;
    nlohmann::json types = nlohmann::json::array();
    for (const auto& [type, n] : counts_) types.push_back(type);
    (*result)["anomaly-types"] = types;
  }

 private:
  nlohmann::json list_ = nlohmann::json::array();
  std::map<std::string, std::size_t> counts_;
};

}  // namespace fl::checkers
