// Device: the sync client library an offline-first app embeds. It keeps a local replica of every
// entity the device has seen in the device's own durable store (io::LocalStore), edits it offline
// (each edit is durable before it is acknowledged), and syncs with a sync server when it can:
// register once per server, upload the entities changed since their last acknowledged upload,
// then download every page of changes after its per-server cursor and join them in.
//
// Design:
//  - the device is the actor of its edits: each edit mints the device's next dot for that entity
//    and is stamped by the device's HLC (hlc.h), which has observed every state the device holds;
//  - uploads carry whole entity states (sync_server.h), so every state stays prefix-closed per
//    actor whatever server receives it and however often; each upload batch has a fresh
//    per-device sequence number, made durable before it is sent (a crash never reuses one);
//  - an entity stays dirty until an upload of its current local version is acknowledged: an edit
//    made while the upload was in flight keeps it dirty;
//  - a downloaded page is joined in and the cursor advanced in one local write (atomic);
//  - start-up is recovery: the replica, cursors, sequence and HLC are re-read from the store.
// One sync at a time (a second one is refused, kUnavailable); edits may run during a sync.
//
// Local store keys (under `<device_id>/`, so devices may share a store): "meta" {user_id,
// upload_seq, cursors, registered} and "e/<entity_id>" {state, dirty}.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/sync/crdt_ops.h"
#include "system/sync/sync_wire.h"

namespace fl::sync {

constexpr std::size_t kMaxDeviceEntities = 10000;
constexpr std::size_t kMaxUploadBatchesPerSync = 100;
constexpr std::size_t kMaxDownloadPagesPerSync = 1000;
// How a sync refused because another one runs begins its message.
constexpr const char* kSyncInProgress = "a sync is in progress";

struct DeviceOptions {
  std::string device_id;
  std::string user_id;
  std::int64_t call_timeout_ns = 1 * io::kNsPerSec;
  std::size_t download_page = 100;  // 1..kMaxPageChanges
  std::size_t upload_batch = 20;    // entities per upload, 1..kMaxChangesPerUpload
  CrdtBugs bugs;
  // sync-crdt-bug-lww-wall-clock: stamp LWW writes with the wall clock alone (hlc.h).
  bool bug_wall_clock = false;
};

struct EditResult {
  std::string entity_id;
  CrdtState state;  // after the edit
  Applied applied;
  Hlc hlc;
};

struct ReadResult {
  bool exists = false;
  CrdtState state;
};

struct SyncResult {
  std::string server;
  std::size_t uploaded = 0;    // entities acknowledged by the server
  std::size_t downloaded = 0;  // changes received
  std::size_t merged = 0;      // of those, the ones that changed the local replica
  std::size_t pages = 0;
};

class Device {
 public:
  // REQUIRES: env and store outlive the device; valid ids. Does no IO.
  Device(io::Env& env, io::LocalStore& store, DeviceOptions options);
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // Reads the replica back from the store. REQUIRES: called once, before anything else.
  io::Status recover();
  // A local edit, durable when ok. kConstraint: the entity has another type; kInvalidArgument:
  // the edit breaks a limit; kUnavailable: the local store failed (nothing changed).
  io::Result<EditResult> edit(const std::string& entity_id, CrdtType type, const CrdtOp& op);
  ReadResult read(const std::string& entity_id) const;
  // One sync with `server` (a node name). ok when the upload and every download page succeeded;
  // otherwise the first failure (what succeeded before it stays done).
  io::Result<SyncResult> sync(const std::string& server);

  const std::string& id() const { return options_.device_id; }
  std::size_t dirty() const;
  const std::map<std::string, CrdtState>& replica() const { return replica_; }
  // 16 hex digits over every entity's id and canonical state (equal replicas, equal digests).
  std::string digest() const;

 private:
  struct Meta {
    std::int64_t upload_seq = 0;
    std::map<std::string, std::int64_t> cursors;  // server -> download cursor
    std::set<std::string> registered;             // servers this device registered with
  };
  std::string key(const std::string& suffix) const { return options_.device_id + "/" + suffix; }
  io::LocalWrite meta_write() const;
  io::LocalWrite entity_write(const std::string& id) const;
  io::Result<io::Response> call(const std::string& server, const io::Request& request);
  io::Status ensure_registered(const std::string& server);
  io::Status upload(const std::string& server, SyncResult* result);
  io::Status upload_batch(const std::string& server, const std::vector<std::string>& ids,
                          SyncResult* result);
  io::Status download(const std::string& server, SyncResult* result);
  io::Status apply_page(const std::string& server, const WirePage& page, SyncResult* result);

  io::Env& env_;
  io::LocalStore& store_;
  DeviceOptions options_;
  HlcClock hlc_;
  Meta meta_;
  std::map<std::string, CrdtState> replica_;
  std::map<std::string, std::int64_t> dirty_;  // entity -> generation of its unsent edit
  std::int64_t generation_ = 0;
  bool recovered_ = false;
  bool syncing_ = false;
  std::string sync_step_;  // what the sync in progress is doing (for its refusals)
  std::int64_t sync_started_ns_ = 0;
};

}  // namespace fl::sync
