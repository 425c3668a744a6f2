// RedisState: the in-memory keyspace of the simulated Redis, with Redis' single-threaded
// semantics: each command is atomic. Pure logic; time is passed in (the server's wall clock, in
// ns, which is what Redis uses for expiry). Every mutation also yields the effect that an
// append-only file would record, with absolute expiry times (as Redis' AOF uses PXAT).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "system/io/clock.h"
#include "system/io/kv_cache.h"

namespace fl::sim::redis {

struct Effect {
  std::string key;
  std::optional<std::string> value;  // nullopt: deleted
  std::int64_t expire_at_ns = 0;     // 0: no expiry
};

class RedisState {
 public:
  static constexpr std::size_t kMaxKeys = 1 << 20;

  std::optional<std::string> get(const std::string& key, std::int64_t now_ns);
  bool set(const std::string& key, const std::string& value, io::SetCondition condition,
           std::int64_t ttl_ms, std::int64_t now_ns, std::vector<Effect>* effects);
  // nullopt: the value is not an integer (or would overflow).
  std::optional<std::int64_t> incr(const std::string& key, std::int64_t by, std::int64_t now_ns,
                                   std::vector<Effect>* effects);
  bool del(const std::string& key, std::int64_t now_ns, std::vector<Effect>* effects);
  bool expire(const std::string& key, std::int64_t ttl_ms, std::int64_t now_ns,
              std::vector<Effect>* effects);
  void apply(const Effect& effect);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string value;
    std::int64_t expire_at_ns = 0;
  };
  // Lazy expiry, as Redis does on access.
  Entry* find(const std::string& key, std::int64_t now_ns);
  void record(const std::string& key, std::vector<Effect>* effects);

  std::map<std::string, Entry> entries_;
};

}  // namespace fl::sim::redis
