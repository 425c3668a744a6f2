// DbNode: the model of one PostgreSQL server with streaming replication that the failover
// manager drives (what Patroni drives through pg_ctl and SQL): a write-ahead log of single-key
// writes on the node's own disk, a role (primary or replica), a timeline, and replication
// positions. Written on the seam, so the simulator partitions, pauses and kills it like any node;
// production would implement the same controls over PostgreSQL (not done, docs/dr.md).
//
// Contracts:
//  - A write is acknowledged (HTTP 200 with its lsn and timeline) only by a primary, only when
//    the request's timeline equals the node's, only while the node's lease is valid on its own
//    monotonic clock (renew()), and in synchronous mode only once the synchronous standby has
//    flushed it. A write refused before it was logged answers 409/503 (not applied); one logged
//    but not confirmed answers 504 (it may survive or not: indeterminate).
//  - Every WAL record is flushed to the local disk before anything depends on it, so a crash
//    loses nothing logged; start-up is recovery (the WAL is re-read; the node starts fenced, as a
//    replica following nobody, until its manager says otherwise).
//  - A replica pulls WAL from the primary it follows; a record the primary does not hold (a
//    diverged tail after a failover) is removed before anything after it is accepted: the old
//    primary rejoins only after this rewind.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "system/io/env.h"

namespace fl::dr {

struct WalRecord {
  std::int64_t lsn = 0;  // 1, 2, ...: its position in the log
  std::int64_t timeline = 0;
  std::string key;
  std::string value;
  // The primary's wall clock when it logged the record, never less than the previous record's:
  // commit times never decrease along a WAL, so a restore to a time is a prefix (PITR).
  std::int64_t commit_ns = 0;
};

// A record as JSON (the WAL on disk, replication, the archive) and back; nullopt when malformed.
nlohmann::json record_to_json(const WalRecord& record);
std::optional<WalRecord> record_from_json(const nlohmann::json& j);

enum class Role : std::uint8_t { kReplica, kPrimary };

struct DbOptions {
  bool synchronous = true;
  std::int64_t pull_interval_ns = 20 * io::kNsPerMs;
  std::int64_t write_timeout_ns = 1 * io::kNsPerSec;  // waiting for the sync standby
  // Known-bug switches (simulation only).
  bool bug_ack_before_sync_standby = false;  // acknowledge before the standby flushed
  bool bug_no_fencing = false;               // acknowledge after the lease ran out
};

class DbNode {
 public:
  static constexpr std::size_t kMaxWalRecords = 50000;
  static constexpr std::size_t kMaxPullBatch = 256;
  static constexpr std::size_t kMaxKeyBytes = 256;
  static constexpr std::size_t kMaxValueBytes = 4096;
  static constexpr std::int64_t kSyncPollNs = 2 * io::kNsPerMs;

  // REQUIRES: env.local (the WAL lives on the node's own disk).
  DbNode(io::Env& env, DbOptions options);
  // Recovery: re-reads the WAL; starts the replication fiber.
  void start();
  // POST /db/write {key, value, timeline}; GET /db/keys (the primary's table, keys in order);
  // POST /db/wal (a replica's pull). Anything else: 404.
  io::Response handle(const io::Request& request);

  // --- controls for the failover manager (same node) ---
  // Becomes primary of `timeline` (> every timeline it has logged), valid until
  // `valid_until_ns` on this node's monotonic clock.
  void promote(std::int64_t timeline, std::int64_t valid_until_ns);
  void renew(std::int64_t valid_until_ns);
  // Stops acknowledging at once and becomes a replica following nobody (self-fencing).
  void demote();
  void follow(const std::string& primary);
  // The synchronous standby whose flush acknowledges writes ("" : none, so nothing is
  // acknowledged in synchronous mode).
  void set_sync_standby(const std::string& standby) { sync_standby_ = standby; }

  Role role() const { return role_; }
  std::int64_t timeline() const { return timeline_; }
  std::int64_t last_lsn() const { return static_cast<std::int64_t>(wal_.size()); }
  const std::vector<WalRecord>& wal() const { return wal_; }
  // What no failover can lose: in synchronous mode what the synchronous standby flushed (0
  // while none is set), in asynchronous mode every record. Only these are archived (archiver.h).
  std::int64_t confirmed_lsn() const;
  // The last lsn a replica reported flushed, 0 if unknown; and when it last pulled.
  std::int64_t flushed_of(const std::string& replica) const;
  std::int64_t last_pull_ns_of(const std::string& replica) const;
  const std::string& following() const { return following_; }
  const std::string& sync_standby() const { return sync_standby_; }
  // The replicas that have pulled from this primary, by name.
  std::vector<std::string> replicas() const;

 private:
  io::Response write(const io::Request& request);
  io::Response keys() const;
  io::Response serve_pull(const io::Request& request);
  void pull_once();
  bool append(const WalRecord& record);
  bool truncate_last();
  bool lease_valid() const;
  bool wait_for_standby(std::int64_t lsn, io::Deadline deadline);
  std::int64_t timeline_at(std::int64_t lsn) const;

  io::Env& env_;
  DbOptions options_;
  std::vector<WalRecord> wal_;  // wal_[i].lsn == i + 1
  Role role_ = Role::kReplica;
  std::int64_t timeline_ = 0;
  std::int64_t valid_until_ns_ = 0;
  std::string following_;
  std::string sync_standby_;
  struct ReplicaPosition {
    std::int64_t flushed = 0;
    std::int64_t pulled_at_ns = 0;
  };
  std::map<std::string, ReplicaPosition> replicas_;
};

}  // namespace fl::dr
