// The sync system's check (judge_sync, sync.h), internal parts. The check reads the history only:
// the sync-crdt workload records every edit with its dot, what it superseded, the device's
// version vector after it and its HLC; every read with the version vector it saw; and, after the
// heal, every region's and every device's canonical state (final-read). From those it judges:
//  - convergence: every replica (regions and devices) holds byte-identical canonical states;
//  - no lost acknowledged update, per type (against the first region's final state): every
//    acknowledged edit's dot is in the final context; counters = acknowledged amounts plus some
//    of the unknown ones, per actor; OR-set: every acknowledged add whose tag no acknowledged
//    edit observed is present, and no observed tag is; LWW (and each LWW-map key): the final
//    entry is the greatest (HLC, node) of the acknowledged writes and no acknowledged write had
//    observed it (none causally overwrote it); MV: exactly the acknowledged writes nobody
//    observed are siblings;
//  - session guarantees per device and entity, in real-time order: monotonic reads, read your
//    writes, writes follow reads, monotonic writes (version vectors never go back);
//  - bounded metadata: contexts name only actors that wrote the entity, at most one OR-set tag
//    and one MV sibling per actor.
// Edits whose outcome is unknown (info) excuse what they might explain, and no more.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/history.h"
#include "system/sync/crdt.h"

namespace fl::compose {

struct EditRecord {
  std::int64_t invoked = 0, completed = 0;  // history indexes
  std::string device, entity;
  sync::CrdtType type = sync::CrdtType::kLwwRegister;
  nlohmann::json operation;
  bool acked = false;  // ok; false: info (it may or may not have happened; no dot known)
  sync::Dot dot;
  std::vector<sync::Dot> observed;
  sync::VersionVector vv;  // the device's, right after the edit
  sync::Hlc hlc;
  std::string key() const;  // the OR-set element or the map key it touched ("" otherwise)
};

struct ReadRecord {
  std::int64_t invoked = 0, completed = 0;
  std::string device, entity;
  sync::VersionVector vv;
};

struct Replica {
  std::string name;
  bool device = false;
  std::int64_t dirty = 0;
  std::map<std::string, sync::CrdtState> entities;
};

struct SyncRecords {
  std::vector<EditRecord> edits;
  std::vector<ReadRecord> reads;
  std::vector<Replica> replicas;
  std::vector<nlohmann::json> converge;  // the converge ops' values
  std::vector<std::string> malformed;    // records the check could not read
};

constexpr std::size_t kMaxSyncAnomalies = 200;
constexpr std::size_t kMaxSyncProblems = 50;

class Anomalies {
 public:
  void add(const std::string& type, const std::string& entity, const std::string& text);
  bool empty() const { return total_ == 0; }
  nlohmann::json list() const { return list_; }
  const std::vector<std::string>& problems() const { return problems_; }
  const std::map<std::string, int>& counts() const { return counts_; }

 private:
  nlohmann::json list_ = nlohmann::json::array();
  std::vector<std::string> problems_;
  std::map<std::string, int> counts_;
  std::size_t total_ = 0;
};

SyncRecords collect_sync_records(const history::History& history);

void check_convergence(const SyncRecords& records, Anomalies* out);
void check_updates(const SyncRecords& records, const Replica& reference, Anomalies* out);
void check_sessions(const SyncRecords& records, Anomalies* out);
void check_metadata(const SyncRecords& records, const Replica& reference, Anomalies* out);

std::string dot_text(const sync::Dot& dot);  // "d1:3"

}  // namespace fl::compose
