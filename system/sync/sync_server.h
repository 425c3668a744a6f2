// SyncServer: one region (replica) of the offline-first sync service, on the seam only. Devices
// register, upload their changes and download what they lack; regions exchange changes by
// anti-entropy. Its HTTP API is sync_api.h; its tables sync_store.h.
//
//  - Upload: the changes of a device, either the seeds' operations (applied here as the device's
//    updates under the actor "<device>@<region>", stamped by this region's HLC after observing
//    the operation's timestamp and the stored state) or whole entity states (what the device
//    library sends: its local replica of each entity it changed, so every state stays
//    prefix-closed per actor, version_vector.h). Every change is joined into the stored entity in
//    one transaction with the device's record. Idempotent: an upload with a per-device sequence
//    number `seq` equal to the device's last one returns that upload's reply again without
//    applying anything; an older one is refused (409); state uploads are idempotent anyway (a
//    join).
//  - Download: the entities changed in this region after the device's cursor, in change order,
//    one bounded page at a time, without the ones the device uploaded itself unchanged since.
//    Its size is O(changes), never O(entities) (docs/benchmarks.md).
//  - Anti-entropy: one fiber per peer region pulls the peer's changes after a durable cursor
//    (GET /api/v1/sync/replicate) and joins them in, moving the cursor in the same transaction,
//    so a crash resumes exactly where the last commit left off and a replayed page is a no-op.
//    A join that changes nothing writes nothing, so after the last change both regions go quiet.
//  - Start-up is recovery: tables are created if missing and everything else is read from them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/sync/crdt_ops.h"
#include "system/sync/sync_store.h"
#include "system/sync/sync_wire.h"

namespace fl::sync {

constexpr std::size_t kMaxChangesPerUpload = 100;
constexpr std::size_t kMaxOpsPerChange = 100;
constexpr std::size_t kMaxPeers = 8;
constexpr std::size_t kDefaultDownloadLimit = 100;
constexpr std::size_t kMaxDigestEntities = 100000;

struct SyncOptions {
  std::string region;              // "": region_of_node(the node's name)
  std::vector<std::string> peers;  // the other regions' node names
  std::int64_t anti_entropy_interval_ns = 200 * io::kNsPerMs;
  std::int64_t peer_timeout_ns = 1 * io::kNsPerSec;
  std::size_t replicate_page = 200;
  MergeRules rules;
};

struct UploadChange {
  std::string entity_id;
  CrdtType type = CrdtType::kLwwRegister;
  std::vector<CrdtOp> ops;         // the seeds' operations, or
  std::optional<CrdtState> state;  // a whole state (type == state->type)
};

struct UploadRequest {
  std::string device_id;
  std::optional<std::int64_t> seq;
  std::vector<UploadChange> changes;
};

struct Digest {
  std::string region;
  std::size_t entities = 0;
  std::string hash;  // 16 hex digits over every entity's id and canonical state
  std::int64_t last_seq = 0;
};

struct SyncStats {
  std::uint64_t uploads = 0, replays = 0, merged = 0, skipped = 0;
  std::uint64_t pulls = 0, pull_failures = 0, pulled_changes = 0;
};

class SyncServer {
 public:
  // REQUIRES: env.sql; env outlives the server. Does no IO.
  SyncServer(io::Env& env, SyncOptions options);
  SyncServer(const SyncServer&) = delete;
  SyncServer& operator=(const SyncServer&) = delete;

  // Creates the tables, records this incarnation, starts the anti-entropy fibers.
  io::Status start();
  const std::string& region() const { return region_; }
  const SyncStats& stats() const { return stats_; }
  const MergeRules& rules() const { return options_.rules; }

  // ok(true) registered now, ok(false) already registered to this user; kConstraint: registered
  // to another user.
  io::Result<bool> register_device(const std::string& device_id, const std::string& user_id);
  // The reply body. kNotFound: unknown device; kConstraint: a stale seq or an entity of another
  // type; kInvalidArgument: a change breaks a limit.
  io::Result<Json> upload(const UploadRequest& request);
  // kNotFound: unknown device.
  io::Result<WirePage> download(const std::string& device_id, std::int64_t since,
                                std::size_t limit);
  // The page a peer pulls (every change, none skipped).
  io::Result<WirePage> replicate(std::int64_t since, std::size_t limit);
  // Entities in id order after `after` (operators, final checks).
  io::Result<std::vector<EntityRow>> entities(const std::string& after, std::size_t limit);
  io::Result<std::optional<EntityRow>> entity(const std::string& entity_id);
  io::Result<Digest> digest();

 private:
  io::Result<WirePage> page_after(std::int64_t since, std::size_t limit, const std::string& skip);
  io::Result<CrdtState> apply_ops(SyncTxn& txn, const UploadChange& change,
                                  const std::string& device_id);
  io::Result<Json> upload_once(io::SqlTransaction& tx, const UploadRequest& request);
  void anti_entropy(const std::string& peer);
  io::Status pull_once(const std::string& peer, bool* more);

  io::Env& env_;
  SyncOptions options_;
  std::string region_;
  SyncTables tables_;
  HlcClock hlc_;  // stamps the seeds' operations; volatile (observes what it overwrites)
  std::map<std::string, std::int64_t> cursors_;  // peer -> cursor, cached from the peer table
  SyncStats stats_;
};

}  // namespace fl::sync
