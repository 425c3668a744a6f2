// KvCache: Redis behind the seam. String keys and values, TTLs, counters, and the few atomic
// scripts that idempotency keys and leases need.
//
// Outcomes: reads fail with kConnectionLost/kUnavailable (retryable) when the server cannot be
// reached; a write whose reply was lost is indeterminate (it may have been applied).
// kInvalidArgument for a bad request (an INCR of a non-integer, a key or value over the limits).
// Durability depends on the server's persistence mode, which callers must not assume: with
// persistence off a crash loses everything; with AOF everysec it loses up to about a second of
// acknowledged writes; with AOF always nothing acknowledged is lost.
// TTLs are measured by the server's clock: clock jumps on the server shorten or extend them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "system/io/status.h"

namespace fl::io {

constexpr std::size_t kMaxCacheKeyBytes = 1024;
constexpr std::size_t kMaxCacheValueBytes = 1 << 20;

enum class SetCondition : std::uint8_t { kAlways, kIfAbsent /* NX */, kIfPresent /* XX */ };

class KvCache {
 public:
  KvCache() = default;
  KvCache(const KvCache&) = delete;
  KvCache& operator=(const KvCache&) = delete;
  virtual ~KvCache() = default;

  virtual Result<std::optional<std::string>> get(const std::string& key) = 0;
  // SET key value [NX|XX] [PX ttl_ms]; ttl_ms 0 means no expiry. Returns whether it was set.
  virtual Result<bool> set(const std::string& key, const std::string& value, SetCondition condition,
                           std::int64_t ttl_ms) = 0;
  // INCRBY: the new value; a missing key counts as 0.
  virtual Result<std::int64_t> incr(const std::string& key, std::int64_t by) = 0;
  // DEL: whether the key existed.
  virtual Result<bool> del(const std::string& key) = 0;
  // PEXPIRE: whether the key exists (and now expires in ttl_ms > 0).
  virtual Result<bool> expire(const std::string& key, std::int64_t ttl_ms) = 0;
  // Atomic script: SET NX PX, else return the current value. nullopt: this call set it.
  virtual Result<std::optional<std::string>> set_if_absent_or_get(const std::string& key,
                                                                  const std::string& value,
                                                                  std::int64_t ttl_ms) = 0;
  // Atomic script (lease release): DEL key if its value equals `expected`.
  virtual Result<bool> delete_if_equals(const std::string& key, const std::string& expected) = 0;
  // Atomic script (lease renewal): PEXPIRE key if its value equals `expected`.
  virtual Result<bool> expire_if_equals(const std::string& key, const std::string& expected,
                                        std::int64_t ttl_ms) = 0;
};

}  // namespace fl::io
