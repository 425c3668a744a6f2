#include "system/dr/failover_manager.h"

#include "system/dr/timeline_history.h"
#include "system/io/assert.h"

namespace fl::dr {
namespace {

std::int64_t to_int(const std::string& text) {
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || v > (INT64_MAX - 9) / 10) return -1;
    v = v * 10 + (c - '0');
  }
  return text.empty() ? -1 : v;
}

}  // namespace

std::string validate(const FailoverConfig& c) {
  if (c.cluster.empty() || c.cluster.size() > 64) return "cluster: 1..64 characters";
  for (char ch : c.cluster) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
      return "cluster: only a-z, 0-9 and -";
    }
  }
  if (c.ttl_s < 2 || c.ttl_s > 3600) return "ttl: 2..3600 s (etcd's minimum lease is 2 s)";
  if (c.loop_wait_ms < 10) return "loop_wait: at least 10 ms";
  if (c.retry_timeout_ms < 10) return "retry_timeout: at least 10 ms";
  if (c.loop_wait_ms + 2 * c.retry_timeout_ms > c.ttl_s * 1000) {
    return "loop_wait + 2 * retry_timeout must be <= ttl (Patroni's rule): " +
           std::to_string(c.loop_wait_ms) + " + 2 * " + std::to_string(c.retry_timeout_ms) +
           " ms > " + std::to_string(c.ttl_s * 1000) + " ms";
  }
  if (c.maximum_lag_on_failover < 0) return "maximum_lag_on_failover: >= 0";
  return "";
}

ClusterKeys::ClusterKeys(const std::string& cluster)
    : prefix("/dr/" + cluster + "/"),
      leader(prefix + "leader"),
      timeline(prefix + "timeline"),
      optime(prefix + "optime"),
      sync(prefix + "sync"),
      history(prefix + "history"),
      members(prefix + "members/") {}

// What one read of the cluster's keys says.
struct FailoverManager::View {
  std::optional<io::CoordEntry> leader;
  std::int64_t timeline = 0;
  std::int64_t timeline_rev = 0;
  std::int64_t optime = 0;
  std::int64_t optime_rev = 0;
  std::optional<std::string> sync;
  std::int64_t sync_rev = 0;
  TimelineHistory history;  // of the last leader's WAL, at its promotion
  std::int64_t history_rev = 0;
  std::int64_t member_rev = 0;  // this node's member key
};

FailoverManager::FailoverManager(io::Env& env, io::CoordStore& coord, DbNode& db,
                                 FailoverConfig config)
    : env_(env), coord_(coord), db_(db), config_(std::move(config)), keys_(config_.cluster) {
  FL_ASSERT_MSG(validate(config_).empty(), validate(config_));
}

void FailoverManager::start() {
  env_.tasks.spawn("failover-manager", [this] {
    for (;;) {
      tick();
      env_.clock.sleep_ns(config_.loop_wait_ms * io::kNsPerMs);
    }
  });
}

void FailoverManager::tick() {
  auto read = coord_.list(keys_.prefix);
  if (!read.is_ok()) return;  // the node fences itself when its deadline passes
  View v;
  const std::string me = env_.tasks.node_name();
  for (const io::CoordEntry& e : read.value().entries) {
    if (e.key == keys_.leader) v.leader = e;
    if (e.key == keys_.timeline) v.timeline = to_int(e.value), v.timeline_rev = e.mod_revision;
    if (e.key == keys_.optime) v.optime = to_int(e.value), v.optime_rev = e.mod_revision;
    if (e.key == keys_.sync) v.sync = e.value, v.sync_rev = e.mod_revision;
    if (e.key == keys_.members + me) v.member_rev = e.mod_revision;
    if (e.key == keys_.history) {
      auto parsed = TimelineHistory::parse(e.value);
      if (!parsed) return;  // not ours to repair: wait for an operator
      v.history = std::move(*parsed), v.history_rev = e.mod_revision;
    }
  }
  if (v.timeline < 0 || v.optime < 0) return;  // not ours to repair: wait for an operator
  publish_member(v);
  if (v.leader && v.leader->value == me) {
    if (lease_ != 0 && v.leader->lease == lease_) lead(v);
    return;  // held by an earlier incarnation of this node: wait for it to expire
  }
  if (v.leader) {
    if (db_.role() == Role::kPrimary) db_.demote();
    lease_ = 0;
    if (db_.following() != v.leader->value) db_.follow(v.leader->value);
    return;
  }
  if (db_.role() == Role::kPrimary) db_.demote();  // our lease is gone
  lease_ = 0;
  try_acquire(v);
}

void FailoverManager::publish_member(const View& v) {
  (void)coord_.put_if(keys_.members + env_.tasks.node_name(), std::to_string(db_.last_lsn()),
                      v.member_rev, 0);
}

void FailoverManager::lead(const View& v) {
  const std::int64_t sent = env_.clock.monotonic_ns();
  auto renewed = coord_.keep_alive(lease_);
  if (!renewed.is_ok()) {
    if (renewed.status().kind() == io::ErrorKind::kNotFound) {
      db_.demote();
      lease_ = 0;
    }
    return;  // otherwise the deadline fences the node if no renewal succeeds in time
  }
  if (db_.role() != Role::kPrimary) return;
  db_.renew(sent + renewed.value() * io::kNsPerSec * kLeaseSafetyNum / kLeaseSafetyDen);
  // In synchronous mode without a standby nothing is acknowledged, so the optime published at
  // promotion still bounds what was: raising it would make every replica ineligible for good.
  if (!config_.synchronous || !db_.sync_standby().empty()) {
    (void)coord_.put_if(keys_.optime, std::to_string(db_.last_lsn()), v.optime_rev, 0);
  }
  if (config_.synchronous) manage_sync_standby(v);
}

bool FailoverManager::eligible(const View& v) const {
  if (db_.role() == Role::kPrimary) return false;
  if (config_.bug_promote_lagging_replica) return true;
  const std::string me = env_.tasks.node_name();
  if (config_.synchronous && v.sync && !v.sync->empty()) return *v.sync == me;
  // What this node holds of the last leader's WAL: its records up to the last one the leader's
  // history names, never its length (a deposed primary's unconfirmed tail can be as long).
  const std::int64_t shared = shared_prefix(db_.wal(), v.history);
  // Synchronous with no standby published: nothing was acknowledged past the optime bound.
  if (config_.synchronous) return shared >= v.optime;
  return v.optime - shared <= config_.maximum_lag_on_failover;
}

void FailoverManager::try_acquire(const View& v) {
  if (!eligible(v)) return;
  const std::int64_t sent = env_.clock.monotonic_ns();
  auto lease = coord_.grant_lease(config_.ttl_s);
  if (!lease.is_ok()) return;
  auto taken = coord_.put_if(keys_.leader, env_.tasks.node_name(), 0, lease.value().id);
  if (!taken.is_ok() || !taken.value().succeeded) {
    (void)coord_.revoke_lease(lease.value().id);
    return;
  }
  lease_ = lease.value().id;
  const std::int64_t timeline = v.timeline + 1;
  auto bumped = coord_.put_if(keys_.timeline, std::to_string(timeline), v.timeline_rev, 0);
  bool ok = bumped.is_ok() && bumped.value().succeeded;
  if (ok && config_.synchronous) {
    // No standby yet: until one is published, only a node holding everything this one holds
    // (optime) may take over, since everything acknowledged so far is here.
    auto cleared = coord_.put_if(keys_.sync, "", v.sync ? v.sync_rev : 0, 0);
    ok = cleared.is_ok() && cleared.value().succeeded;
    if (ok) {
      auto bound = coord_.put_if(keys_.optime, std::to_string(db_.last_lsn()), v.optime_rev, 0);
      ok = bound.is_ok() && bound.value().succeeded;
    }
  }
  if (ok) {
    // Last before promoting: the history of this WAL is the one candidates compare with next.
    const std::string history = history_of(db_.wal(), timeline).encode();
    auto written = coord_.put_if(keys_.history, history, v.history_rev, 0);
    ok = written.is_ok() && written.value().succeeded;
  }
  if (!ok) {
    (void)coord_.revoke_lease(lease_);
    lease_ = 0;
    return;
  }
  db_.promote(timeline,
              sent + lease.value().ttl_s * io::kNsPerSec * kLeaseSafetyNum / kLeaseSafetyDen);
}

void FailoverManager::manage_sync_standby(const View& v) {
  const std::int64_t now = env_.clock.monotonic_ns();
  const std::int64_t fresh_ns = config_.retry_timeout_ms * io::kNsPerMs;
  auto alive = [&](const std::string& node) {
    const std::int64_t at = db_.last_pull_ns_of(node);
    return at > 0 && now - at <= fresh_ns;
  };
  const std::string current = v.sync.value_or("");
  if (!current.empty() && alive(current)) {
    db_.set_sync_standby(current);
    return;
  }
  std::string best;
  for (const std::string& r : db_.replicas()) {
    if (alive(r) && (best.empty() || db_.flushed_of(r) > db_.flushed_of(best))) best = r;
  }
  if (best.empty()) return;  // acknowledgements wait for a standby (synchronous_mode_strict)
  db_.set_sync_standby("");  // block acknowledgements while the standby changes
  if (db_.flushed_of(best) < db_.last_lsn()) return;  // not caught up yet: next loop
  auto published = coord_.put_if(keys_.sync, best, v.sync ? v.sync_rev : 0, 0);
  if (published.is_ok() && published.value().succeeded) db_.set_sync_standby(best);
}

}  // namespace fl::dr
