// Interning for Elle's analyses: keys and values become small integers so version orders,
// writer lookups and comparisons cost no string work. Integers map to themselves' ids through
// one table, every other JSON value through its canonical text.
#pragma once

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace fl::checkers::elle {

class Interner {
 public:
  static constexpr std::int64_t kDenseLimit = 1 << 24;  // small integers: a direct table
  static constexpr std::uint32_t kAbsent = UINT32_MAX;
  std::uint32_t id(const nlohmann::json& v) {
    if (v.is_number_integer()) {
      const std::int64_t i = v.get<std::int64_t>();
      if (i >= 0 && i < kDenseLimit) {
        const auto at = static_cast<std::size_t>(i);
        if (at >= dense_.size()) dense_.resize(std::max(at + 1, dense_.size() * 2), kAbsent);
        if (dense_[at] == kAbsent) {
          dense_[at] = next();
          values_.push_back(v);
        }
        return dense_[at];
      }
      auto [it, fresh] = ints_.emplace(v.get<std::int64_t>(), next());
      if (fresh) values_.push_back(v);
      return it->second;
    }
    auto [it, fresh] = texts_.emplace(v.dump(), next());
    if (fresh) values_.push_back(v);
    return it->second;
  }
  const nlohmann::json& value(std::uint32_t id) const { return values_[id]; }
  std::size_t size() const { return values_.size(); }

 private:
  std::uint32_t next() const { return static_cast<std::uint32_t>(values_.size()); }
  std::vector<std::uint32_t> dense_;
  std::unordered_map<std::int64_t, std::uint32_t> ints_;
  std::unordered_map<std::string, std::uint32_t> texts_;
  std::vector<nlohmann::json> values_;
};

// A map from key ids for the few keys of one transaction: a flat vector searched linearly, so
// per-transaction bookkeeping allocates (almost) nothing.
template <typename V>
class SmallMap {
 public:
  V* find(std::uint32_t k) {
    for (auto& [key, v] : items_) {
      if (key == k) return &v;
    }
    return nullptr;
  }
  bool contains(std::uint32_t k) { return find(k) != nullptr; }
  V& operator[](std::uint32_t k) {
    if (V* v = find(k)) return *v;
    items_.emplace_back(k, V{});
    return items_.back().second;
  }
  void clear() { items_.clear(); }

 private:
  std::vector<std::pair<std::uint32_t, V>> items_;
};

// (key, value) as one hashable number.
inline std::uint64_t kv_id(std::uint32_t key, std::uint32_t value) {
  return (static_cast<std::uint64_t>(key) << 32) | value;
}

}  // namespace fl::checkers::elle
