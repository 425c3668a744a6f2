// The sync server's durable state in PostgreSQL (io::SqlStore), one set of tables per region:
//
//   sync_<region>_entity  entity_id PK, crdt_type, state (canonical JSON), seq, origin
//   sync_<region>_change  seq PK, entity_id        one row per entity: its latest change
//   sync_<region>_device  device_id PK, user_id, last_upload_seq, last_upload_response
//   sync_<region>_peer    peer PK, cursor          how far anti-entropy has pulled from a peer
//   sync_<region>_meta    name PK, value           "next_seq": the region's change counter
//   sync_regions          region PK, incarnation   every region's row (the /health table)
//
// Each region (sync server replica) owns its tables; regions share nothing but the protocol, so
// the tables of two regions may live in one PostgreSQL (as in the harness, which has one cluster)
// or in two (production). `seq` orders a region's changes: it is allocated from the meta row
// inside the transaction that changes the entity, so allocation order is commit order (the meta
// row serializes writers) and a scan of `change` from a cursor never skips a change that commits
// later. `origin` is the device whose upload produced exactly the stored state ("" otherwise): a
// download skips those, since that device holds them already.
//
// SyncTxn works inside one transaction of the caller (repeatable read; run_transaction retries
// serialization failures); nothing here commits.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "system/io/sql_store.h"
#include "system/sync/crdt.h"

namespace fl::sync {

constexpr const char* kRegionsTable = "sync_regions";
constexpr std::size_t kMaxRegionBytes = 32;

// [a-z0-9_]{1,32}: a region name that fits into table names.
bool valid_region(const std::string& region);
// A region name from a node name: lowercased, other characters as '_', cut to 32 bytes.
std::string region_of_node(const std::string& node);

struct SyncTables {
  explicit SyncTables(const std::string& region);
  std::string entity, change, device, peer, meta;
  std::vector<io::TableSchema> schemas() const;  // the region's tables and kRegionsTable
};

struct EntityRow {
  std::string entity_id;
  CrdtState state;
  std::int64_t seq = 0;
  std::string origin;
};

struct DeviceRow {
  std::string device_id;
  std::string user_id;
  std::int64_t last_upload_seq = 0;
  std::string last_upload_response;
};

// How a region merges incoming states (the known bugs switch parts of it).
struct MergeRules {
  CrdtBugs crdt;
  // sync-crdt-bug-vv-compare: "the stored state has seen everything the incoming one has" is
  // judged with dominates_on_own_entries (version_vector.h).
  bool bug_vv_compare = false;
};

struct MergeOutcome {
  bool changed = false;  // the stored state moved (and got a new seq)
  CrdtState state;       // the stored state after the merge
  std::int64_t seq = 0;
  // Not joined, and why: the entity has another type (kConstraint) or the join would break a
  // state limit (kInvalidArgument). The transaction is still usable.
  std::string refused = {};
  io::ErrorKind refused_kind = io::ErrorKind::kNone;
  io::Status refusal() const {
    return refused.empty() ? io::Status::ok() : io::Status::failed(refused_kind, refused);
  }
};

class SyncTxn {
 public:
  SyncTxn(const SyncTables& tables, io::SqlTransaction& tx) : t_(tables), tx_(tx) {}

  io::Result<std::optional<EntityRow>> entity(const std::string& entity_id);
  io::Result<std::optional<DeviceRow>> device(const std::string& device_id);
  io::Status put_device(const DeviceRow& row, bool insert);
  // Joins `incoming` into the stored entity (created when absent). Skips (unchanged) when the
  // stored context already covers the incoming one. Refuses (MergeOutcome::refused) an entity of
  // another type or a join over a state limit; a non-ok status is the store's.
  io::Result<MergeOutcome> merge_into(const std::string& entity_id, const CrdtState& incoming,
                                      const std::string& origin, const MergeRules& rules);
  // Up to `limit` entity rows changed after `since`, in change order.
  io::Result<std::vector<EntityRow>> changed_since(std::int64_t since, std::size_t limit);
  // Up to `limit` entity rows with ids after `after`, in id order.
  io::Result<std::vector<EntityRow>> entities_after(const std::string& after, std::size_t limit);
  io::Result<std::int64_t> peer_cursor(const std::string& peer);
  io::Status set_peer_cursor(const std::string& peer, std::int64_t cursor);
  // The last allocated seq (0 when none).
  io::Result<std::int64_t> last_seq();

 private:
  io::Result<std::int64_t> allocate_seq();

  const SyncTables& t_;
  io::SqlTransaction& tx_;
};

}  // namespace fl::sync
