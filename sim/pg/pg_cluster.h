// PgCluster: simulated PostgreSQL servers (a primary and streaming replicas), each a simulated
// node whose "process" is an MvccEngine. Clients reach it through SimSqlStore (sim_sql_store.h).
//
// Fault model:
//  - a server crash aborts its in-flight transactions and drops their connections; on restart
//    the engine is recovered from its WAL: with synchronous_commit on, every acknowledged commit
//    survives; with it off, commits after the last WAL flush (every wal_flush_interval_ns) are
//    lost although they were acknowledged;
//  - replicas apply the primary's WAL after a random lag (asynchronous streaming), only while
//    the primary is up and the link primary->replica is not partitioned; reads on a replica may
//    be stale; with synchronous replication a commit is acknowledged only after the first
//    replica applied it (and a commit waiting for an unreachable replica times out as
//    indeterminate);
//  - promote(replica) makes it the primary with whatever it had applied: commits the old primary
//    acknowledged but had not streamed are lost; the old primary is fenced (refuses sessions).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/pg/mvcc.h"
#include "sim/simulator.h"

namespace fl::sim::pg {

struct PgOptions {
  bool synchronous_commit = true;
  std::int64_t wal_flush_interval_ns = 200 * io::kNsPerMs;
  bool synchronous_replication = false;
  std::int64_t replication_lag_min_ns = 1 * io::kNsPerMs;
  std::int64_t replication_lag_max_ns = 50 * io::kNsPerMs;
  std::int64_t network_latency_min_ns = 100 * io::kNsPerUs;
  std::int64_t network_latency_max_ns = 1 * io::kNsPerMs;
  std::int64_t statement_timeout_ns = 5 * io::kNsPerSec;
  // Deliberately broken modes, off by default, that prove the harness catches wrong systems:
  // SERIALIZABLE transactions run as REPEATABLE READ (SSI never validates: write skew commits).
  bool bug_serializable_without_validation = false;
  // Reads (get, scan) of sessions routed to the primary are served by the first replica that
  // is up, with its lag, while the session believes it talks to the primary: stale reads.
  // Writes and locks still go to the primary.
  bool bug_replica_reads_as_primary = false;
};

class PgCluster {
 public:
  static constexpr int kMaxServers = 8;

  PgCluster(Simulator* sim, PgOptions options);

  // Before Simulator::run(): declares a server node. The first one is the primary.
  int add_server(const std::string& name);
  // DDL on every server (durable at once). Call from a fiber or before run().
  io::Status create_table(const io::TableSchema& schema);

  int primary() const { return primary_; }
  // The replica becomes the primary; the old primary is fenced.
  void promote(int server);
  bool fenced(int server) const;
  const PgOptions& options() const { return options_; }

  // --- used by SimSqlStore ---
  struct Server {
    std::string name;
    int node = 0;
    MvccEngine engine;
    Csn flushed_csn = 0;
    bool fenced = false;
    // The incarnation whose crash recovery has run: until then the server accepts no connection
    // ("the database system is starting up"), so no transaction begins on the engine that
    // recovery is about to replace.
    std::uint64_t ready_incarnation = 0;
    std::vector<FiberRef> waiters;  // sessions waiting on a row lock or for replication
  };
  Server& server_at(int node);
  bool is_server(int node) const;
  // Wakes every session waiting on this server (a transaction finished, or the server restarted).
  void wake(Server& server);
  // After a commit on the primary: makes it durable per synchronous_commit.
  void on_commit(Server& server);
  Simulator* sim() { return sim_; }

 private:
  void start_server(int node, io::Env& env);
  void stream_loop(int node, io::Env& env);
  void flush_loop(int node, io::Env& env);

  Simulator* sim_;
  PgOptions options_;
  std::vector<std::unique_ptr<Server>> servers_;
  int primary_ = -1;
};

}  // namespace fl::sim::pg
