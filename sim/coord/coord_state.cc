#include "sim/coord/coord_state.h"

#include <vector>

#include "system/io/assert.h"
#include "system/io/clock.h"

namespace fl::sim::coord {

void CoordState::expire(std::int64_t now_ns) {
  std::vector<std::int64_t> expired;
  for (const auto& [id, lease] : leases_) {
    if (lease.expires_ns <= now_ns) expired.push_back(id);
  }
  for (std::int64_t id : expired) revoke(id);
}

void CoordState::renew_all(std::int64_t now_ns) {
  for (auto& [id, lease] : leases_) lease.expires_ns = now_ns + lease.ttl_s * io::kNsPerSec;
}

std::optional<io::CoordEntry> CoordState::find(const std::string& key) const {
  auto it = kv_.find(key);
  if (it == kv_.end()) return std::nullopt;
  return it->second;
}

io::CoordRead CoordState::get(const std::string& key) const {
  io::CoordRead read;
  read.revision = revision_;
  if (auto e = find(key)) read.entries.push_back(*e);
  return read;
}

std::size_t CoordState::count_prefix(const std::string& prefix) const {
  std::size_t n = 0;
  for (auto it = kv_.lower_bound(prefix); it != kv_.end() && it->first.starts_with(prefix); ++it) {
    ++n;
  }
  return n;
}

io::CoordRead CoordState::list(const std::string& prefix) const {
  io::CoordRead read;
  read.revision = revision_;
  for (auto it = kv_.lower_bound(prefix); it != kv_.end() && it->first.starts_with(prefix); ++it) {
    read.entries.push_back(it->second);
    FL_ASSERT_LE(read.entries.size(), io::kMaxCoordListEntries);
  }
  return read;
}

io::Result<io::CoordCas> CoordState::put_if(const std::string& key, const std::string& value,
                                            std::int64_t expected_mod_revision,
                                            std::int64_t lease) {
  FL_ASSERT_LE(0, expected_mod_revision);
  io::CoordCas out;
  const auto current = find(key);
  const std::int64_t mod = current ? current->mod_revision : 0;
  if (mod != expected_mod_revision) {
    out.revision = revision_;
    out.current = current;
    return out;
  }
  if (lease != 0 && leases_.count(lease) == 0) {
    return io::Status::failed(io::ErrorKind::kNotFound, "requested lease not found");
  }
  FL_ASSERT_LT(kv_.size(), kMaxKeys);
  ++revision_;
  io::CoordEntry& e = kv_[key];
  if (!current) e.create_revision = revision_;
  e.key = key;
  e.value = value;
  e.mod_revision = revision_;
  e.lease = lease;
  out.succeeded = true;
  out.revision = revision_;
  return out;
}

io::CoordCas CoordState::delete_if(const std::string& key, std::int64_t expected_mod_revision) {
  FL_ASSERT_LT(0, expected_mod_revision);
  io::CoordCas out;
  const auto current = find(key);
  if (!current || current->mod_revision != expected_mod_revision) {
    out.revision = revision_;
    out.current = current;
    return out;
  }
  ++revision_;
  kv_.erase(key);
  out.succeeded = true;
  out.revision = revision_;
  return out;
}

io::CoordLease CoordState::grant(std::int64_t ttl_s, std::int64_t now_ns) {
  FL_ASSERT_LE(1, ttl_s);
  FL_ASSERT_LT(leases_.size(), kMaxLeases);
  const std::int64_t ttl = ttl_s < kMinLeaseTtlS ? kMinLeaseTtlS : ttl_s;
  const std::int64_t id = next_lease_++;
  leases_[id] = Lease{ttl, now_ns + ttl * io::kNsPerSec};
  return io::CoordLease{id, ttl};
}

std::optional<std::int64_t> CoordState::keep_alive(std::int64_t lease, std::int64_t now_ns) {
  auto it = leases_.find(lease);
  if (it == leases_.end()) return std::nullopt;
  it->second.expires_ns = now_ns + it->second.ttl_s * io::kNsPerSec;
  return it->second.ttl_s;
}

void CoordState::delete_lease_keys(std::int64_t lease) {
  bool deleted = false;
  for (auto it = kv_.begin(); it != kv_.end();) {
    if (it->second.lease == lease) {
      it = kv_.erase(it);
      deleted = true;
    } else {
      ++it;
    }
  }
  if (deleted) ++revision_;
}

void CoordState::revoke(std::int64_t lease) {
  if (leases_.erase(lease) == 0) return;
  delete_lease_keys(lease);
}

}  // namespace fl::sim::coord
