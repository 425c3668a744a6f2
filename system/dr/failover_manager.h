// FailoverManager: one per database node, as Patroni is. Every loop_wait it reads the cluster's
// keys in the coordination store and acts on its own DbNode:
//  - the leader (it holds /dr/<cluster>/leader with its lease) renews the lease, and extends its
//    node's acknowledgement deadline to (time before the renewal was sent) + ttl * 3/4, so the
//    node stops acknowledging (fences itself) before the store can expire the lease even with
//    clock drift of up to 10% on either side; it publishes its WAL position (optime) and, in
//    synchronous mode, picks the synchronous standby (published only once that standby holds
//    every record, with acknowledgements blocked meanwhile);
//  - a follower follows the leader (a demoted primary rewinds through replication);
//  - when no one leads, a replica takes the leader key if it is eligible: in synchronous mode
//    only the published synchronous standby (or, while none is published, a node sharing the
//    last leader's WAL up to the optime bound written at its promotion), in asynchronous mode
//    only a replica sharing it up to maximum_lag_on_failover records of the last published
//    optime. "Sharing" is judged on histories (timeline_history.h), never on WAL lengths. It then
//    takes the next timeline by compare-and-set on /dr/<cluster>/timeline, writes its WAL's
//    history to /dr/<cluster>/history and promotes its node on the new timeline.
// Configuration: Patroni's rule loop_wait + 2 * retry_timeout <= ttl is enforced (validate()).
#pragma once

#include <cstdint>
#include <string>

#include "system/dr/db_node.h"
#include "system/io/coord_store.h"

namespace fl::dr {

struct FailoverConfig {
  std::string cluster = "main";
  std::int64_t ttl_s = 6;
  std::int64_t loop_wait_ms = 1000;
  std::int64_t retry_timeout_ms = 2000;
  std::int64_t maximum_lag_on_failover = 10;  // records
  bool synchronous = true;
  // Known-bug switches (simulation only).
  bool bug_promote_lagging_replica = false;  // ignore maximum_lag_on_failover / the sync standby
};

// "" when the configuration is valid, else what is wrong (Patroni's timing rule among others).
std::string validate(const FailoverConfig& config);

// The coordination-store keys of a cluster.
struct ClusterKeys {
  explicit ClusterKeys(const std::string& cluster);
  std::string prefix, leader, timeline, optime, sync, history, members;
};

class FailoverManager {
 public:
  static constexpr std::int64_t kLeaseSafetyNum = 3;  // valid for ttl * 3/4 of local time
  static constexpr std::int64_t kLeaseSafetyDen = 4;

  // REQUIRES: validate(config) == "".
  FailoverManager(io::Env& env, io::CoordStore& coord, DbNode& db, FailoverConfig config);
  // Starts the loop on its own fiber.
  void start();
  // One iteration (the loop's body; tests call it directly).
  void tick();

 private:
  struct View;
  void lead(const View& view);
  void try_acquire(const View& view);
  bool eligible(const View& view) const;
  void manage_sync_standby(const View& view);
  void publish_member(const View& view);

  io::Env& env_;
  io::CoordStore& coord_;
  DbNode& db_;
  FailoverConfig config_;
  ClusterKeys keys_;
  std::int64_t lease_ = 0;  // the leader lease this incarnation holds, 0: none
  std::string pending_standby_;
};

}  // namespace fl::dr
