// Proves the simulated Kafka's contract through the EventLog seam: records of one key keep their
// order; a consumer that crashes before committing has its records redelivered to another member
// of the group after the session timeout; the idempotent producer never duplicates under lost
// acknowledgements while a non-idempotent one does; a commit with a stale generation fails.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sim/kafka/sim_event_log.h"

namespace fl::sim::kafka {
namespace {

std::vector<io::EventRecord> drain(SimEventLog& log, io::Env& env, std::size_t want) {
  std::vector<io::EventRecord> got;
  for (int i = 0; i < 100 && got.size() < want; ++i) {
    auto r = log.poll(100, env.clock.deadline_after_ns(500 * io::kNsPerMs));
    if (r.is_ok()) got.insert(got.end(), r.value().begin(), r.value().end());
  }
  return got;
}

TEST(SimKafka, KeyOrderIsKept) {
  Simulator sim(SimOptions{});
  KafkaBroker broker(&sim, "kafka", KafkaOptions{});
  ASSERT_TRUE(broker.create_topic("t", 3).is_ok());
  sim.run([&](io::Env& env) {
    SimEventLog log(&broker, Simulator::kHarnessNode, &env.clock, "h", sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    for (int i = 0; i < 60; ++i) {
      ASSERT_TRUE(log.produce("t", "k" + std::to_string(i % 5), std::to_string(i)).is_ok());
    }
    ASSERT_TRUE(log.subscribe("g", {"t"}).is_ok());
    auto got = drain(log, env, 60);
    ASSERT_EQ(got.size(), 60u);
    std::map<std::string, int> last;
    for (const auto& r : got) {
      const int v = std::stoi(r.value);
      EXPECT_GT(v, last.count(r.key) ? last[r.key] : -1) << "key " << r.key;
      last[r.key] = v;
    }
  });
}

TEST(SimKafka, CrashBeforeCommitRedeliversToAnotherMember) {
  Simulator sim(SimOptions{});
  KafkaBroker broker(&sim, "kafka", KafkaOptions{});
  ASSERT_TRUE(broker.create_topic("t", 2).is_ok());
  std::set<std::string> first_seen, second_seen;
  bool c1_committed = false, start_c2 = false;
  const int c1 = sim.add_node("c1", [&](io::Env& env) {
    SimEventLog log(&broker, sim.find_node("c1"), &env.clock, "c1", env.random.fork(1));
    EXPECT_TRUE(log.subscribe("g", {"t"}).is_ok());
    auto got = drain(log, env, 20);
    std::map<io::TopicPartition, std::int64_t> commit;
    for (std::size_t i = 0; i < got.size(); ++i) {
      first_seen.insert(got[i].value);
      if (i < 10) commit[{got[i].topic, got[i].partition}] = got[i].offset + 1;
    }
    EXPECT_TRUE(log.commit(commit).is_ok());
    c1_committed = true;
    for (;;) env.clock.sleep_ns(io::kNsPerSec);  // processing forever, never committing again
  });
  sim.add_node("c2", [&](io::Env& env) {
    while (!start_c2) env.clock.sleep_ns(10 * io::kNsPerMs);
    SimEventLog log(&broker, sim.find_node("c2"), &env.clock, "c2", env.random.fork(2));
    EXPECT_TRUE(log.subscribe("g", {"t"}).is_ok());
    for (const auto& r : drain(log, env, 10)) second_seen.insert(r.value);
  });
  sim.run([&](io::Env& env) {
    SimEventLog log(&broker, Simulator::kHarnessNode, &env.clock, "p", sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    for (int i = 0; i < 20; ++i)
      ASSERT_TRUE(log.produce("t", std::to_string(i), "v" + std::to_string(i)).is_ok());
    while (!c1_committed) env.clock.sleep_ns(10 * io::kNsPerMs);
    sim.crash(c1);
    start_c2 = true;
    env.clock.sleep_ns(10 * io::kNsPerSec);
  });
  EXPECT_EQ(first_seen.size(), 20u);
  EXPECT_EQ(second_seen.size(), 10u);  // exactly the uncommitted ones, delivered again
  for (const auto& v : second_seen) EXPECT_TRUE(first_seen.count(v));
}

// Produces n records while the broker->client link flaps; returns how often values repeat.
int duplicates(bool idempotent, int n) {
  Simulator sim(SimOptions{3});
  KafkaOptions o;
  o.idempotent_producer = idempotent;
  o.link.latency_min_ns = o.link.latency_max_ns = io::kNsPerMs;
  KafkaBroker broker(&sim, "kafka", o);
  EXPECT_TRUE(broker.create_topic("t", 1).is_ok());
  int dups = 0;
  sim.run([&](io::Env& env) {
    SimEventLog log(&broker, Simulator::kHarnessNode, &env.clock, "p", sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    sim.spawn(Simulator::kHarnessNode, "flapper", [&] {
      for (int i = 0; i < 4 * n; ++i) {  // acknowledgements lost now and then
        sim.sleep_until(sim.now_ns() + 1500 * io::kNsPerUs);
        sim.network().set_blocked(broker.node(), Simulator::kHarnessNode, i % 2 == 0);
      }
      sim.network().heal();
    });
    for (int i = 0; i < n; ++i) (void)log.produce("t", "k", std::to_string(i));
    env.clock.sleep_ns(io::kNsPerSec);
    std::map<std::string, int> seen;
    for (const auto& r : broker.state().fetch({"t", 0}, 0, 100000)) ++seen[r.value];
    for (const auto& [v, c] : seen) dups += c - 1;
  });
  return dups;
}

TEST(SimKafka, IdempotentProducerNeverDuplicatesButPlainRetriesDo) {
  EXPECT_EQ(duplicates(true, 30), 0);
  const int plain = duplicates(false, 30);
  EXPECT_GT(plain, 0);
  RecordProperty("plain_duplicates", plain);
}

TEST(SimKafka, RebalanceSplitsPartitionsAndFencesStaleCommits) {
  Simulator sim(SimOptions{});
  KafkaBroker broker(&sim, "kafka", KafkaOptions{});
  ASSERT_TRUE(broker.create_topic("t", 4).is_ok());
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerMs);
    SimEventLog a(&broker, Simulator::kHarnessNode, &env.clock, "a", sim.random().fork(1));
    SimEventLog b(&broker, Simulator::kHarnessNode, &env.clock, "b", sim.random().fork(2));
    ASSERT_TRUE(a.subscribe("g", {"t"}).is_ok());
    ASSERT_TRUE(b.subscribe("g", {"t"}).is_ok());
    ASSERT_TRUE(a.poll(10, env.clock.deadline_after_ns(io::kNsPerMs)).is_ok());  // a owns all 4
    EXPECT_TRUE(a.commit({{{"t", 3}, 0}}).is_ok());
    ASSERT_TRUE(b.poll(10, env.clock.deadline_after_ns(io::kNsPerMs)).is_ok());  // rebalance
    io::Status stale = a.commit({{{"t", 3}, 0}});
    EXPECT_TRUE(stale.is_failed());
    EXPECT_TRUE(stale.retryable());
    ASSERT_TRUE(a.poll(10, env.clock.deadline_after_ns(io::kNsPerMs)).is_ok());  // rejoin
    const Membership ma = broker.state().heartbeat("g", "a", {"t"}, sim.now_ns());
    const Membership mb = broker.state().heartbeat("g", "b", {"t"}, sim.now_ns());
    EXPECT_EQ(ma.assignment.size(), 2u);
    EXPECT_EQ(mb.assignment.size(), 2u);
  });
}

}  // namespace
}  // namespace fl::sim::kafka
