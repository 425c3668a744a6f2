// Proves the simulated PostgreSQL cluster's durability and replication rules through the
// SqlStore seam over the simulated network: acknowledged commits survive a server crash with
// synchronous_commit on and can be lost with it off; a replica is stale and catches up; a replica
// promoted under asynchronous replication lacks acknowledged commits; synchronous replication
// refuses to acknowledge without a replica; a partition mid-transaction is a lost connection
// whose locks the server releases; a lost COMMIT acknowledgement is indeterminate although the
// commit happened.
#include <gtest/gtest.h>

#include "sim/pg/sim_sql_store.h"

namespace fl::sim::pg {
namespace {

io::TableSchema kv() {
  io::TableSchema s;
  s.name = "kv";
  s.columns = {{"k", io::ColumnType::kInt64, false}, {"v", io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  return s;
}
io::Row row(std::int64_t k, std::int64_t v) { return {io::Value(k), io::Value(v)}; }

struct Harness {
  explicit Harness(PgOptions options, int replicas = 0) : cluster(&sim, options) {
    primary = cluster.add_server("pg1");
    for (int i = 0; i < replicas; ++i)
      replica.push_back(cluster.add_server("pg" + std::to_string(i + 2)));
    EXPECT_TRUE(cluster.create_table(kv()).is_ok());
  }
  SimSqlStore store(int server = -1) {
    return SimSqlStore(&cluster, Simulator::kHarnessNode, sim.random().fork(server + 7), server);
  }
  // Inserts k -> k in its own transaction; returns the commit status.
  io::Status put(SimSqlStore& s, std::int64_t k) {
    auto tx = s.begin(io::Isolation::kReadCommitted);
    if (!tx.is_ok()) return tx.status();
    io::Status st = tx.value()->upsert("kv", row(k, k));
    if (!st.is_ok()) return st;
    return tx.value()->commit();
  }
  std::size_t count(SimSqlStore& s) {
    auto tx = s.begin(io::Isolation::kRepeatableRead);
    EXPECT_TRUE(tx.is_ok()) << tx.status().to_string();
    if (!tx.is_ok()) return 0;
    auto rows = tx.value()->scan("kv", io::ScanSpec{});
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? rows.value().size() : 0;
  }
  Simulator sim{SimOptions{}};
  PgCluster cluster;
  int primary = 0;
  std::vector<int> replica;
};

TEST(PgCluster, AcknowledgedCommitsSurviveACrashWithSynchronousCommit) {
  Harness h(PgOptions{});
  h.sim.run([&](io::Env& env) {
    SimSqlStore s = h.store();
    env.clock.sleep_ns(io::kNsPerMs);
    for (int k = 0; k < 50; ++k) ASSERT_TRUE(h.put(s, k).is_ok());
    h.sim.crash(h.primary);
    EXPECT_FALSE(h.put(s, 99).is_ok());
    h.sim.restart(h.primary);
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_EQ(h.count(s), 50u);
  });
}

TEST(PgCluster, AsynchronousCommitLosesAcknowledgedCommitsOnACrash) {
  PgOptions o;
  o.synchronous_commit = false;
  o.wal_flush_interval_ns = 200 * io::kNsPerMs;
  Harness h(o);
  h.sim.run([&](io::Env& env) {
    SimSqlStore s = h.store();
    env.clock.sleep_ns(io::kNsPerMs);
    int acked = 0;
    for (int k = 0; k < 50; ++k) acked += h.put(s, k).is_ok() ? 1 : 0;
    EXPECT_EQ(acked, 50);
    h.sim.crash(h.primary);  // well within one flush interval of the last commits
    h.sim.restart(h.primary);
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_LT(h.count(s), 50u);
  });
}

TEST(PgCluster, ReplicaIsStaleThenCatchesUp) {
  PgOptions o;
  o.replication_lag_min_ns = o.replication_lag_max_ns = 30 * io::kNsPerMs;
  Harness h(o, 1);
  h.sim.run([&](io::Env& env) {
    SimSqlStore p = h.store();
    SimSqlStore r = h.store(h.replica[0]);
    env.clock.sleep_ns(io::kNsPerMs);
    for (int k = 0; k < 10; ++k) ASSERT_TRUE(h.put(p, k).is_ok());
    EXPECT_LT(h.count(r), 10u);  // stale
    env.clock.sleep_ns(100 * io::kNsPerMs);
    EXPECT_EQ(h.count(r), 10u);          // caught up
    EXPECT_FALSE(h.put(r, 77).is_ok());  // a replica refuses writes
  });
}

TEST(PgCluster, PromotedAsyncReplicaLacksAcknowledgedCommits) {
  Harness h(PgOptions{}, 1);
  h.sim.run([&](io::Env& env) {
    SimSqlStore p = h.store();
    env.clock.sleep_ns(io::kNsPerMs);
    for (int k = 0; k < 10; ++k) ASSERT_TRUE(h.put(p, k).is_ok());
    env.clock.sleep_ns(200 * io::kNsPerMs);  // streamed
    h.sim.network().set_blocked(h.primary, h.replica[0], true);
    for (int k = 10; k < 20; ++k) ASSERT_TRUE(h.put(p, k).is_ok());  // acknowledged, unstreamed
    SimSqlStore old = h.store(h.primary);                            // pinned to the old primary
    h.cluster.promote(h.replica[0]);
    EXPECT_EQ(h.put(old, 99).kind(), io::ErrorKind::kConnectionLost);  // fenced
    SimSqlStore q = h.store();                                         // follows the new primary
    EXPECT_EQ(h.count(q), 10u);  // 10 acknowledged commits are gone
    EXPECT_TRUE(h.put(q, 30).is_ok());
  });
}

TEST(PgCluster, SynchronousReplicationWithoutAReplicaIsIndeterminate) {
  PgOptions o;
  o.synchronous_replication = true;
  o.statement_timeout_ns = 300 * io::kNsPerMs;
  Harness h(o, 1);
  h.sim.run([&](io::Env& env) {
    SimSqlStore p = h.store();
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_TRUE(h.put(p, 1).is_ok());
    h.sim.network().set_blocked(h.primary, h.replica[0], true);
    io::Status st = h.put(p, 2);
    EXPECT_TRUE(st.is_indeterminate()) << st.to_string();
  });
}

TEST(PgCluster, PartitionMidTransactionLosesTheConnectionAndReleasesLocks) {
  Harness h(PgOptions{});
  h.sim.run([&](io::Env& env) {
    SimSqlStore s = h.store();
    env.clock.sleep_ns(io::kNsPerMs);
    ASSERT_TRUE(h.put(s, 1).is_ok());
    auto tx = s.begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(tx.is_ok());
    ASSERT_TRUE(tx.value()->upsert("kv", row(1, 100)).is_ok());  // holds the row lock
    h.sim.network().set_blocked(Simulator::kHarnessNode, h.primary, true);
    io::Status st = tx.value()->upsert("kv", row(2, 2));
    EXPECT_EQ(st.kind(), io::ErrorKind::kConnectionLost);
    h.sim.network().heal();
    EXPECT_TRUE(h.put(s, 1).is_ok());  // the lock was released: no wait, no timeout
  });
}

TEST(PgCluster, LostCommitAcknowledgementIsIndeterminateButCommitted) {
  PgOptions o;
  o.network_latency_min_ns = o.network_latency_max_ns = io::kNsPerMs;
  Harness h(o);
  h.sim.run([&](io::Env& env) {
    SimSqlStore s = h.store();
    env.clock.sleep_ns(io::kNsPerMs);
    auto tx = s.begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(tx.value()->upsert("kv", row(5, 5)).is_ok());
    h.sim.spawn(Simulator::kHarnessNode, "cut", [&] {
      h.sim.sleep_until(h.sim.now_ns() + 1500 * io::kNsPerUs);  // after COMMIT arrived
      h.sim.network().set_blocked(h.primary, Simulator::kHarnessNode, true);
    });
    io::Status st = tx.value()->commit();
    EXPECT_TRUE(st.is_indeterminate()) << st.to_string();
    h.sim.network().heal();
    EXPECT_EQ(h.count(s), 1u);  // it did commit
  });
}

}  // namespace
}  // namespace fl::sim::pg
