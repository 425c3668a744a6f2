// EtcdCoordStore: io::CoordStore over etcd's v3 JSON gateway (POST /v3/kv/range, /v3/kv/txn,
// /v3/lease/grant, /v3/lease/keepalive, /v3/lease/revoke; keys and values base64, 64-bit
// numbers as decimal strings, fields equal to their default omitted), for production.
//
// It speaks HTTP through an io::Transport (real::HttpTransport in production) to the node name
// the transport maps to etcd's client URL. Outcomes: a request that was never handled (connection
// refused) fails; a lost reply or a timeout fails for reads and is indeterminate for writes; an
// etcd error body maps by its gRPC code (NOT_FOUND -> kNotFound, INVALID_ARGUMENT ->
// kInvalidArgument, UNAVAILABLE / DEADLINE_EXCEEDED -> retryable, indeterminate for writes).
// Only the members of one cluster answer linearizable reads (etcd's default, serializable off).
#pragma once

#include <cstdint>
#include <string>

#include "system/io/clock.h"
#include "system/io/coord_store.h"
#include "system/io/transport.h"

namespace fl::real {

class EtcdCoordStore final : public io::CoordStore {
 public:
  static constexpr std::int64_t kRequestTimeoutNs = 2 * io::kNsPerSec;

  // `etcd_node`: the transport's name for the etcd member to call.
  EtcdCoordStore(io::Transport* transport, io::Clock* clock, std::string etcd_node);

  io::Result<io::CoordRead> get(const std::string& key) override;
  io::Result<io::CoordRead> list(const std::string& prefix) override;
  io::Result<io::CoordCas> put_if(const std::string& key, const std::string& value,
                                  std::int64_t expected_mod_revision, std::int64_t lease) override;
  io::Result<io::CoordCas> delete_if(const std::string& key,
                                     std::int64_t expected_mod_revision) override;
  io::Result<io::CoordLease> grant_lease(std::int64_t ttl_s) override;
  io::Result<std::int64_t> keep_alive(std::int64_t lease) override;
  io::Status revoke_lease(std::int64_t lease) override;

 private:
  // POSTs `body` to `path`; ok: the 200 reply's body.
  io::Result<std::string> post(const std::string& path, const std::string& body, bool writes);
  io::Result<io::CoordCas> txn(const std::string& key, std::int64_t expected_mod_revision,
                               const std::string& success_op);

  io::Transport* transport_;
  io::Clock* clock_;
  std::string node_;
};

// Base64 (RFC 4648, padded), as etcd's gateway carries bytes.
std::string base64_encode(const std::string& bytes);
// nullopt on a character outside the alphabet or a bad length.
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace fl::real
