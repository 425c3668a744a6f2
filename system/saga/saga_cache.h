// SagaCache: what Redis is for in front of the orchestrator's PostgreSQL (internal to
// system/saga). Two kinds of entries, both facts that never change once true, so no
// invalidation can race with a reader:
//  - the idempotency fast path: "idempotency key K started saga S for request R" (R as a hash of
//    its type and data), written only after the start's COMMIT succeeded; a retried POST with the
//    same key and request is answered without a write transaction;
//  - finished sagas: the view of a saga in a final state (completed, compensated, failed),
//    written only after the COMMIT that finished it (or when a read from PostgreSQL finds it
//    finished); GET of a finished saga is answered from Redis.
// A running saga is never cached: its view changes with every step, and a cache-aside entry of
// it could be set stale after a newer commit invalidated it.
//
// The cache is best effort: a miss, a malformed entry or a Redis error falls through to
// PostgreSQL (which stays the truth). After an error the cache is skipped for kCacheBackoffNs so
// that an unreachable Redis costs at most one command timeout per backoff, not one per request.
// Entries expire after kCacheTtlMs (Stripe keeps idempotency keys for 24 h).
//
// Known bug (OrchestratorOptions::bug_cache_before_commit): the orchestrator writes the entries
// inside the transaction, before COMMIT; a COMMIT that then fails leaves Redis asserting a saga
// (or a final state) that PostgreSQL never had.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "system/io/clock.h"
#include "system/io/kv_cache.h"
#include "system/saga/saga_table.h"

namespace fl::saga {

constexpr std::int64_t kCacheTtlMs = 24 * 3600 * 1000;
constexpr std::int64_t kCacheBackoffNs = 2 * io::kNsPerSec;
constexpr std::size_t kMaxCachedViewBytes = 64 * 1024;  // larger views are not cached

struct SagaCacheStats {
  std::uint64_t hits = 0, misses = 0, errors = 0, writes = 0, skipped = 0;
};

class SagaCache {
 public:
  // `cache` may be null (no Redis): every lookup misses and nothing is written.
  SagaCache(io::KvCache* cache, io::Clock& clock) : cache_(cache), clock_(clock) {}

  // The saga that `idempotency_key` started for this exact request, if the cache knows it.
  std::optional<std::string> started(const std::string& idempotency_key, const std::string& type,
                                     const std::string& data_json);
  // REQUIRES: the start of `saga_id` with this key and request has committed (or, with the
  // known bug, is about to be committed).
  void remember_start(const std::string& idempotency_key, const std::string& type,
                      const std::string& data_json, const std::string& saga_id);
  // The final view of `saga_id`, if cached.
  std::optional<SagaRecord> finished(const std::string& saga_id);
  // REQUIRES: is_final(record.state.status), and that state has committed. Other states are
  // ignored (asserted).
  void remember_finished(const SagaRecord& record);

  const SagaCacheStats& stats() const { return stats_; }

 private:
  bool usable();  // a cache exists and is not backing off
  void failed();  // an error: back off
  std::optional<std::string> read(const std::string& key);
  void write(const std::string& key, const std::string& value);

  io::KvCache* cache_;
  io::Clock& clock_;
  std::int64_t skip_until_ns_ = 0;
  SagaCacheStats stats_;
};

// Cache keys (exposed for tests and operators): "saga:idem:<the idempotency key>" and
// "saga:final:<saga id>". An idem entry's value is "<saga id> <16 hex digits of the request's
// hash>" (the hash of type and data, so a key reused for another request misses and PostgreSQL
// answers 422).
std::string idempotency_cache_key(const std::string& idempotency_key);
std::string finished_cache_key(const std::string& saga_id);

}  // namespace fl::saga
