// Proves the deliberately broken modes of the simulated backends really behave wrongly at the
// model level, each next to the correct default on the same script:
//  - PostgreSQL "serializable without validation": the classic write skew (two serializable
//    transactions each read both rows and write one) commits both, where SSI aborts one;
//  - PostgreSQL "replica read served as primary": a read right after an acknowledged commit,
//    through a session routed to the primary, misses it (the lagging replica answered);
//  - Kafka "consumer commits before processing": a consumer that polled records and died before
//    processing them leaves nothing for the rest of the group, where the default redelivers.
#include <gtest/gtest.h>

#include <set>

#include "sim/kafka/sim_event_log.h"
#include "sim/pg/sim_sql_store.h"

namespace fl::sim {
namespace {

io::TableSchema kv_schema() {
  io::TableSchema s;
  s.name = "kv";
  s.columns = {{"k", io::ColumnType::kInt64, false}, {"v", io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  return s;
}
io::Row row(std::int64_t k, std::int64_t v) { return {io::Value(k), io::Value(v)}; }

// Runs the write-skew script; returns how many of the two transactions committed.
int write_skew_commits(bool broken) {
  Simulator sim(SimOptions{});
  pg::PgOptions o;
  o.bug_serializable_without_validation = broken;
  pg::PgCluster cluster(&sim, o);
  cluster.add_server("pg1");
  EXPECT_TRUE(cluster.create_table(kv_schema()).is_ok());
  int committed = 0;
  sim.run([&](io::Env& env) {
    pg::SimSqlStore store(&cluster, Simulator::kHarnessNode, sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    {
      auto setup = store.begin(io::Isolation::kReadCommitted);
      ASSERT_TRUE(setup.is_ok());
      ASSERT_TRUE(setup.value()->upsert("kv", row(1, 1)).is_ok());
      ASSERT_TRUE(setup.value()->upsert("kv", row(2, 1)).is_ok());
      ASSERT_TRUE(setup.value()->commit().is_ok());
    }
    auto a = store.begin(io::Isolation::kSerializable);
    auto b = store.begin(io::Isolation::kSerializable);
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    for (auto* tx : {&a, &b}) {  // each reads both on-call doctors
      ASSERT_TRUE(tx->value()->get("kv", {io::Value(std::int64_t{1})}).is_ok());
      ASSERT_TRUE(tx->value()->get("kv", {io::Value(std::int64_t{2})}).is_ok());
    }
    ASSERT_TRUE(a.value()->upsert("kv", row(1, 0)).is_ok());  // and each takes one off call
    ASSERT_TRUE(b.value()->upsert("kv", row(2, 0)).is_ok());
    committed += a.value()->commit().is_ok() ? 1 : 0;
    committed += b.value()->commit().is_ok() ? 1 : 0;
  });
  return committed;
}

TEST(BrokenModes, SerializableWithoutValidationCommitsWriteSkew) {
  EXPECT_EQ(write_skew_commits(false), 1);
  EXPECT_EQ(write_skew_commits(true), 2);
}

// Commits k=1 -> 7 on the primary, then reads it back at once; returns what was read (-1: none).
std::int64_t read_your_write(bool broken) {
  Simulator sim(SimOptions{});
  pg::PgOptions o;
  o.bug_replica_reads_as_primary = broken;
  o.replication_lag_min_ns = o.replication_lag_max_ns = 200 * io::kNsPerMs;
  pg::PgCluster cluster(&sim, o);
  cluster.add_server("pg1");
  cluster.add_server("pg2");
  EXPECT_TRUE(cluster.create_table(kv_schema()).is_ok());
  std::int64_t seen = -2;
  sim.run([&](io::Env& env) {
    pg::SimSqlStore store(&cluster, Simulator::kHarnessNode, sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    auto w = store.begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(w.is_ok());
    ASSERT_TRUE(w.value()->upsert("kv", row(1, 7)).is_ok());
    ASSERT_TRUE(w.value()->commit().is_ok());
    auto r = store.begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(r.is_ok());
    auto got = r.value()->get("kv", {io::Value(std::int64_t{1})});
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    seen = got.value().has_value() ? std::get<std::int64_t>((*got.value())[1]) : -1;
    EXPECT_TRUE(r.value()->commit().is_ok());
    env.clock.sleep_ns(io::kNsPerSec);  // the replica catches up: the broken read turns fresh
    auto later = store.begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(later.is_ok());
    auto again = later.value()->get("kv", {io::Value(std::int64_t{1})});
    ASSERT_TRUE(again.is_ok() && again.value().has_value());
  });
  return seen;
}

TEST(BrokenModes, ReplicaReadServedAsPrimaryIsStale) {
  EXPECT_EQ(read_your_write(false), 7);
  EXPECT_EQ(read_your_write(true), -1);
}

// Consumer c1 polls every record, then crashes before processing any; c2 joins the group.
// Returns how many records c2 receives.
std::size_t redelivered(bool broken) {
  Simulator sim(SimOptions{});
  kafka::KafkaOptions o;
  o.bug_commit_before_processing = broken;
  kafka::KafkaBroker broker(&sim, "kafka", o);
  EXPECT_TRUE(broker.create_topic("t", 2).is_ok());
  bool polled = false, start_c2 = false;
  std::set<std::string> second;
  const int c1 = sim.add_node("c1", [&](io::Env& env) {
    kafka::SimEventLog log(&broker, sim.find_node("c1"), &env.clock, "c1", env.random.fork(1));
    EXPECT_TRUE(log.subscribe("g", {"t"}).is_ok());
    std::size_t got = 0;
    for (int i = 0; i < 100 && got < 10; ++i) {
      auto r = log.poll(100, env.clock.deadline_after_ns(500 * io::kNsPerMs));
      if (r.is_ok()) got += r.value().size();
    }
    polled = got == 10;
    for (;;) env.clock.sleep_ns(io::kNsPerSec);  // "processing", crashes before committing
  });
  sim.add_node("c2", [&](io::Env& env) {
    while (!start_c2) env.clock.sleep_ns(10 * io::kNsPerMs);
    kafka::SimEventLog log(&broker, sim.find_node("c2"), &env.clock, "c2", env.random.fork(2));
    EXPECT_TRUE(log.subscribe("g", {"t"}).is_ok());
    for (int i = 0; i < 20; ++i) {
      auto r = log.poll(100, env.clock.deadline_after_ns(500 * io::kNsPerMs));
      if (r.is_ok()) {
        for (const auto& rec : r.value()) second.insert(rec.value);
      }
    }
  });
  sim.run([&](io::Env& env) {
    kafka::SimEventLog log(&broker, Simulator::kHarnessNode, &env.clock, "p", sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    for (int i = 0; i < 10; ++i)
      ASSERT_TRUE(log.produce("t", std::to_string(i), "v" + std::to_string(i)).is_ok());
    for (int i = 0; i < 1000 && !polled; ++i) env.clock.sleep_ns(10 * io::kNsPerMs);
    EXPECT_TRUE(polled);
    sim.crash(c1);
    start_c2 = true;
    env.clock.sleep_ns(15 * io::kNsPerSec);
  });
  return second.size();
}

TEST(BrokenModes, ConsumerCommittingBeforeProcessingLosesRecords) {
  EXPECT_EQ(redelivered(false), 10u);  // all of them, from the last committed offsets
  EXPECT_EQ(redelivered(true), 0u);
}

}  // namespace
}  // namespace fl::sim
