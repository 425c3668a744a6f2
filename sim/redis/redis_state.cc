#include "sim/redis/redis_state.h"

#include <charconv>

#include "system/io/assert.h"

namespace fl::sim::redis {

RedisState::Entry* RedisState::find(const std::string& key, std::int64_t now_ns) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.expire_at_ns != 0 && it->second.expire_at_ns <= now_ns) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

void RedisState::record(const std::string& key, std::vector<Effect>* effects) {
  if (effects == nullptr) return;
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    effects->push_back(Effect{key, std::nullopt, 0});
  } else {
    effects->push_back(Effect{key, it->second.value, it->second.expire_at_ns});
  }
}

std::optional<std::string> RedisState::get(const std::string& key, std::int64_t now_ns) {
  Entry* e = find(key, now_ns);
  return e == nullptr ? std::nullopt : std::optional<std::string>(e->value);
}

bool RedisState::set(const std::string& key, const std::string& value, io::SetCondition condition,
                     std::int64_t ttl_ms, std::int64_t now_ns, std::vector<Effect>* effects) {
  FL_ASSERT(ttl_ms >= 0);
  Entry* e = find(key, now_ns);
  if (condition == io::SetCondition::kIfAbsent && e != nullptr) return false;
  if (condition == io::SetCondition::kIfPresent && e == nullptr) return false;
  FL_ASSERT_MSG(e != nullptr || entries_.size() < kMaxKeys, "redis keyspace full");
  Entry& entry = entries_[key];
  entry.value = value;
  entry.expire_at_ns = ttl_ms > 0 ? now_ns + ttl_ms * io::kNsPerMs : 0;
  record(key, effects);
  return true;
}

std::optional<std::int64_t> RedisState::incr(const std::string& key, std::int64_t by,
                                             std::int64_t now_ns, std::vector<Effect>* effects) {
  Entry* e = find(key, now_ns);
  std::int64_t current = 0;
  if (e != nullptr) {
    const char* first = e->value.data();
    const char* last = first + e->value.size();
    auto [ptr, ec] = std::from_chars(first, last, current);
    if (ec != std::errc() || ptr != last || e->value.empty()) return std::nullopt;
  }
  std::int64_t next = 0;
  if (__builtin_add_overflow(current, by, &next)) return std::nullopt;
  if (e == nullptr) {
    entries_[key] = Entry{std::to_string(next), 0};
  } else {
    e->value = std::to_string(next);  // INCR keeps the TTL
  }
  record(key, effects);
  return next;
}

bool RedisState::del(const std::string& key, std::int64_t now_ns, std::vector<Effect>* effects) {
  if (find(key, now_ns) == nullptr) return false;
  entries_.erase(key);
  record(key, effects);
  return true;
}

bool RedisState::expire(const std::string& key, std::int64_t ttl_ms, std::int64_t now_ns,
                        std::vector<Effect>* effects) {
  Entry* e = find(key, now_ns);
  if (e == nullptr) return false;
  if (ttl_ms <= 0) {  // Redis deletes a key given a non-positive TTL
    entries_.erase(key);
  } else {
    e->expire_at_ns = now_ns + ttl_ms * io::kNsPerMs;
  }
  record(key, effects);
  return true;
}

void RedisState::apply(const Effect& effect) {
  if (!effect.value) {
    entries_.erase(effect.key);
    return;
  }
  entries_[effect.key] = Entry{*effect.value, effect.expire_at_ns};
}

}  // namespace fl::sim::redis
