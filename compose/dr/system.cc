// The harness system "dr" (dr.h): database nodes db1..dbN with a local disk (their WAL) and a
// session on the coordination store, each running a DbNode and its FailoverManager; the DR check
// (check.cc). The nodes are simulation only for now: production would run the manager beside a
// real PostgreSQL (docs/dr.md says what is missing).
#include <memory>
#include <optional>

#include "compose/dr/dr.h"
#include "compose/topology.h"
#include "options/spec.h"
#include "system/dr/archive.h"
#include "system/dr/archiver.h"
#include "system/dr/failover_manager.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using Kind = options::OptionSpec::Kind;

std::vector<options::OptionSpec> specs() {
  return {
      {"nodes", Kind::kInt, 3, 2, kMaxDrNodes, {}, "database nodes db1..dbN"},
      {"synchronous", Kind::kBool, true, 0, 0, {}, "synchronous replication (one sync standby)"},
      {"ttl_s", Kind::kInt, 6, 2, 3600, {}, "the leader lease's TTL"},
      {"loop_wait_ms", Kind::kInt, 1000, 10, 3600000, {}, "the managers' loop period"},
      {"retry_timeout_ms", Kind::kInt, 2000, 10, 3600000, {}, "how long a store call may retry"},
      {"maximum_lag_on_failover",
       Kind::kInt,
       10,
       0,
       1000000,
       {},
       "records a promoted replica "
       "may lack (asynchronous)"},
      {"rto_target_ms", Kind::kInt, 60000, 1, 3600000, {}, "the recovery-time objective"},
      {"archive", Kind::kBool, false, 0, 0, {}, "WAL archiving and base backups to node archive"},
      {"backup_interval_ms", Kind::kInt, 10000, 100, 3600000, {}, "full base backups' period"},
      {"bug",
       Kind::kString,
       "none",
       0,
       0,
       {"none", "failover-without-fencing", "promote-lagging-replica", "ack-before-sync-standby",
        "pitr-silent-gap"},
       "a known-bug switch (simulation)"},
  };
}

dr::FailoverConfig failover_config(const nlohmann::json& o) {
  dr::FailoverConfig c;
  c.ttl_s = o["ttl_s"].get<std::int64_t>();
  c.loop_wait_ms = o["loop_wait_ms"].get<std::int64_t>();
  c.retry_timeout_ms = o["retry_timeout_ms"].get<std::int64_t>();
  c.maximum_lag_on_failover = o["maximum_lag_on_failover"].get<std::int64_t>();
  c.synchronous = o["synchronous"].get<bool>();
  c.bug_promote_lagging_replica = o["bug"] == "promote-lagging-replica";
  return c;
}

dr::DbOptions db_options(const nlohmann::json& o) {
  dr::DbOptions d;
  d.synchronous = o["synchronous"].get<bool>();
  d.bug_ack_before_sync_standby = o["bug"] == "ack-before-sync-standby";
  d.bug_no_fencing = o["bug"] == "failover-without-fencing";
  return d;
}

dr::ArchiverOptions archiver_options(const nlohmann::json& o) {
  dr::ArchiverOptions a;
  a.backup_interval_ns = o["backup_interval_ms"].get<std::int64_t>() * io::kNsPerMs;
  a.bug_silent_gap = o["bug"] == "pitr-silent-gap";
  return a;
}

// The backup repository (system/dr/archive.h) on its own disk; its objects outlive its crashes.
ServiceNode archive_node(bool bug_silent_gap) {
  ServiceNode node;
  node.name = dr::kArchiveNode;
  node.local = true;
  auto incarnations = std::make_shared<std::vector<std::shared_ptr<dr::ArchiveStore>>>();
  node.main = [bug_silent_gap, incarnations](io::Env& env) {
    auto store = std::make_shared<dr::ArchiveStore>(env, bug_silent_gap);
    incarnations->push_back(store);
    dr::ArchiveStore* handler = store.get();
    env.transport.serve([handler](const io::Request& r) { return handler->handle(r); });
  };
  return node;
}

// One database node: recovery of its WAL at every start, the manager's loop, the node's API.
// Every incarnation's objects live until the run ends (a crashed one's fibers may still unwind
// through them).
ServiceNode db_node(int i, const dr::FailoverConfig& config, const dr::DbOptions& options,
                    const std::optional<dr::ArchiverOptions>& archiver) {
  ServiceNode node;
  node.name = dr_node_name(i);
  node.local = true;
  node.coord = true;
  auto incarnations = std::make_shared<std::vector<std::shared_ptr<void>>>();
  node.main = [config, options, archiver, incarnations](io::Env& env) {
    FL_ASSERT_MSG(env.coord != nullptr, "a database node needs the coordination store");
    auto db = std::make_shared<dr::DbNode>(env, options);
    auto manager = std::make_shared<dr::FailoverManager>(env, *env.coord, *db, config);
    incarnations->push_back(db);
    incarnations->push_back(manager);
    db->start();
    manager->start();
    if (archiver) {
      auto a = std::make_shared<dr::Archiver>(env, *db, *archiver);
      incarnations->push_back(a);
      a->start();
    }
    dr::DbNode* handler = db.get();
    env.transport.serve([handler](const io::Request& r) { return handler->handle(r); });
  };
  return node;
}

std::string build(const nlohmann::json& options, Topology* topology) {
  nlohmann::json o;
  if (std::string e = options::validate_options(specs(), options, &o); !e.empty()) return e;
  if (!topology->stores.coord) {
    return "system dr: needs topology.coord = true (the coordination store)";
  }
  const dr::FailoverConfig config = failover_config(o);
  if (std::string e = dr::validate(config); !e.empty()) return "system_options: " + e;
  const dr::DbOptions db = db_options(o);
  const int nodes = o["nodes"].get<int>();
  std::optional<dr::ArchiverOptions> archiver;
  if (o["archive"].get<bool>()) {
    if (!config.synchronous) return "system dr: archive needs synchronous = true (docs/dr.md)";
    archiver = archiver_options(o);
    topology->services.push_back(archive_node(archiver->bug_silent_gap));
  }
  for (int i = 1; i <= nodes; ++i) {
    topology->services.push_back(db_node(i, config, db, archiver));
  }
  DrCheckConfig check;
  check.synchronous = config.synchronous;
  check.maximum_lag_on_failover = config.maximum_lag_on_failover;
  check.lease_window_ns = config.ttl_s * io::kNsPerSec;
  check.rto_target_ns = o["rto_target_ms"].get<std::int64_t>() * io::kNsPerMs;
  topology->checks.push_back({"dr", [check](const history::History& h, const std::string&) {
                                return judge_dr(h, check);
                              }});
  if (archiver) {
    topology->checks.push_back(
        {"pitr", [](const history::History& h, const std::string&) { return judge_pitr(h); }});
  }
  return "";
}

}  // namespace

void register_dr_system() {
  register_system({"dr",
                   "disaster recovery: database nodes db1..dbN with failover managers over the "
                   "coordination store (simulation)",
                   build});
}

}  // namespace fl::compose
