// CoordStore: the coordination store behind the seam (what Patroni keeps in etcd): a small
// linearizable key-value store with revisions, compare-and-set, and leases with TTLs. Implemented
// by sim/coord (a simulated single-member etcd) and real/etcd_coord_store (etcd's v3 JSON
// gateway).
//
// Model (etcd v3): every successful write bumps the store's revision by one; each entry carries
// the revision that created it and the one that last modified it. A lease is granted with a TTL
// in whole seconds (the store may raise it to its minimum: use the granted TTL); keys put with a
// lease are deleted when the lease expires or is revoked. Expiry is judged by the store's clock,
// and a restart (or leader change) of the store renews every lease to its full TTL: a lease may
// therefore outlive what its holder computed. A holder that must stop acting when its lease may
// have expired keeps its own deadline, measured from before it sent the renewal (failover
// managers do).
//
// Outcomes: reads fail (kUnreachable / kConnectionLost, retryable) when the store cannot be
// reached; a write or lease call whose reply was lost is indeterminate (it may have applied). A
// compare that does not hold is not an error: the CasResult says it did not succeed. kNotFound
// from keep_alive: the lease has expired or was revoked. kInvalidArgument: an empty or too long
// key, too long value, a TTL out of range. Durability: every acknowledged write survives a crash
// of the store (etcd fsyncs before it answers).
// No watches: holders poll (get/list carry the store's revision, so a poller sees what changed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "system/io/status.h"

namespace fl::io {

constexpr std::size_t kMaxCoordKeyBytes = 1024;
constexpr std::size_t kMaxCoordValueBytes = 64 * 1024;
constexpr std::size_t kMaxCoordListEntries = 1000;  // list() of more is an error, not a cut
constexpr std::int64_t kMaxCoordLeaseTtlS = 24 * 3600;

struct CoordEntry {
  std::string key;
  std::string value;
  std::int64_t create_revision = 0;
  std::int64_t mod_revision = 0;  // the revision of the write that last set it
  std::int64_t lease = 0;         // 0: none
  bool operator==(const CoordEntry&) const = default;
};

// A read: the store's revision when it was served, and the entries (sorted by key).
struct CoordRead {
  std::int64_t revision = 0;
  std::vector<CoordEntry> entries;
};

struct CoordCas {
  bool succeeded = false;
  std::int64_t revision = 0;          // the store's revision after the call
  std::optional<CoordEntry> current;  // when it failed: the entry as it is (nullopt: absent)
};

struct CoordLease {
  std::int64_t id = 0;     // > 0
  std::int64_t ttl_s = 0;  // as granted (>= the TTL asked for)
};

class CoordStore {
 public:
  CoordStore() = default;
  CoordStore(const CoordStore&) = delete;
  CoordStore& operator=(const CoordStore&) = delete;
  virtual ~CoordStore() = default;

  // The entry at `key`, if any.
  virtual Result<CoordRead> get(const std::string& key) = 0;
  // Every entry whose key starts with `prefix` (non-empty), sorted by key. More than
  // kMaxCoordListEntries: failed/kInvalidArgument.
  virtual Result<CoordRead> list(const std::string& prefix) = 0;
  // Puts key = value (with `lease`, 0: none) if the key's mod_revision is
  // `expected_mod_revision` (0: only if the key is absent). Atomic.
  virtual Result<CoordCas> put_if(const std::string& key, const std::string& value,
                                  std::int64_t expected_mod_revision, std::int64_t lease) = 0;
  // Deletes key if its mod_revision is `expected_mod_revision` (> 0). Atomic.
  virtual Result<CoordCas> delete_if(const std::string& key,
                                     std::int64_t expected_mod_revision) = 0;
  // Grants a lease of at least `ttl_s` (1..kMaxCoordLeaseTtlS) seconds.
  virtual Result<CoordLease> grant_lease(std::int64_t ttl_s) = 0;
  // Renews the lease to its full TTL; ok: the TTL it now has. kNotFound: expired or revoked.
  virtual Result<std::int64_t> keep_alive(std::int64_t lease) = 0;
  // Revokes the lease and deletes its keys (revoking an unknown lease is ok).
  virtual Status revoke_lease(std::int64_t lease) = 0;
};

// The argument checks every implementation makes before it sends anything.
Status check_coord_key(const std::string& key);
Status check_coord_value(const std::string& value);
Status check_coord_ttl(std::int64_t ttl_s);

}  // namespace fl::io
