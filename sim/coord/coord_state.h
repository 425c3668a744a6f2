// CoordState: the state machine of a single-member etcd (the v3 KV and lease API that
// io::CoordStore exposes), without any network or process: the simulated server (sim_coord.h)
// runs each command on it atomically. Time is the server's own clock, passed in by the caller;
// leases expire lazily at the start of each command, as they would have by then.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "system/io/coord_store.h"

namespace fl::sim::coord {

class CoordState {
 public:
  // etcd raises a shorter TTL to its minimum (1.5 election timeouts, 2 s with the defaults).
  static constexpr std::int64_t kMinLeaseTtlS = 2;
  static constexpr std::size_t kMaxKeys = 100000;
  static constexpr std::size_t kMaxLeases = 100000;

  // Deletes the keys of every lease expired at `now_ns` (one revision per lease with keys).
  void expire(std::int64_t now_ns);
  // A restart of the store: every lease is renewed to its full TTL from `now_ns` (etcd does this
  // on recovery and on leader change).
  void renew_all(std::int64_t now_ns);

  io::CoordRead get(const std::string& key) const;
  // REQUIRES: the caller checked the count limit (count_prefix).
  io::CoordRead list(const std::string& prefix) const;
  std::size_t count_prefix(const std::string& prefix) const;
  // A put with an unknown lease fails with kNotFound (etcd: "requested lease not found").
  io::Result<io::CoordCas> put_if(const std::string& key, const std::string& value,
                                  std::int64_t expected_mod_revision, std::int64_t lease);
  io::CoordCas delete_if(const std::string& key, std::int64_t expected_mod_revision);
  io::CoordLease grant(std::int64_t ttl_s, std::int64_t now_ns);
  // The TTL after renewal, or nullopt when the lease does not exist (expired or revoked).
  std::optional<std::int64_t> keep_alive(std::int64_t lease, std::int64_t now_ns);
  void revoke(std::int64_t lease);

  std::int64_t revision() const { return revision_; }

 private:
  struct Lease {
    std::int64_t ttl_s = 0;
    std::int64_t expires_ns = 0;
  };
  std::optional<io::CoordEntry> find(const std::string& key) const;
  void delete_lease_keys(std::int64_t lease);

  std::int64_t revision_ = 1;  // etcd starts at 1
  std::int64_t next_lease_ = 1;
  std::map<std::string, io::CoordEntry> kv_;
  std::map<std::int64_t, Lease> leases_;
};

}  // namespace fl::sim::coord
