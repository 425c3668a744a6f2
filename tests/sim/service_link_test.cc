// Proves ServiceLink's link-fault model (sim/service_link.h): without a per-link override a leg
// takes its base latency and draws nothing more; an override's added delay and jitter slow the
// legs in its direction only; loss shows as TCP retransmission delay (200 ms, doubling), and a
// link that loses everything breaks the connection at the deadline; duplicates change nothing;
// a leg slowed past its deadline fails at the deadline. Through the simulated PostgreSQL: a
// server killed while a slow COMMIT is on its way never applies it (the transaction is lost,
// and so is anything the client did outside it meanwhile), while a reply cut off on its slow
// way back is an indeterminate outcome of a commit that happened.
#include "sim/service_link.h"

#include <gtest/gtest.h>

#include "sim/pg/sim_sql_store.h"

namespace fl::sim {
namespace {

constexpr std::int64_t kMs = io::kNsPerMs;
constexpr std::int64_t kDeadlineNs = 10 * io::kNsPerSec;

struct Links {
  Links() {
    app = sim.add_node("app", [](io::Env&) {});
    server = sim.add_node("server", [](io::Env&) {});
  }
  // The override SimFaultPort::set_link_faults builds: the default link plus the faults.
  void fault(int from, int to, double loss, double duplicate, std::int64_t delay_ns,
             std::int64_t jitter_ns) {
    LinkConfig c = sim.network().default_link();
    c.loss = loss;
    c.duplicate = duplicate;
    c.latency_min_ns += delay_ns;
    c.latency_max_ns += delay_ns + jitter_ns;
    sim.network().set_link(from, to, c);
  }
  // How long one leg takes, and whether it arrived.
  std::pair<std::int64_t, bool> leg(ServiceLink& link, bool to_server,
                                    std::int64_t deadline_ns = kDeadlineNs) {
    const std::int64_t start = sim.now_ns();
    const bool ok = link.leg(sim.incarnation(server), to_server, start + deadline_ns);
    return {sim.now_ns() - start, ok};
  }
  Simulator sim{SimOptions{}};
  int app = 0;
  int server = 0;
};

TEST(ServiceLink, DelayAndJitterSlowOnlyTheFaultedDirection) {
  Links l;
  l.sim.run([&](io::Env& env) {
    env.clock.sleep_ns(kMs);
    ServiceLink link(&l.sim, l.app, l.server, l.sim.random().fork(1), LinkTiming{});
    for (int i = 0; i < 20; ++i) {
      auto [ns, ok] = l.leg(link, true);
      EXPECT_TRUE(ok);
      EXPECT_LE(ns, LinkTiming{}.latency_max_ns);
    }
    l.fault(l.app, l.server, 0, 0, 100 * kMs, 50 * kMs);
    for (int i = 0; i < 20; ++i) {
      auto [to_ns, to_ok] = l.leg(link, true);
      EXPECT_TRUE(to_ok);
      EXPECT_GE(to_ns, 100 * kMs);
      EXPECT_LE(to_ns, 150 * kMs + LinkTiming{}.latency_max_ns);
      auto [back_ns, back_ok] = l.leg(link, false);  // server -> app has no override
      EXPECT_TRUE(back_ok);
      EXPECT_LE(back_ns, LinkTiming{}.latency_max_ns);
    }
    l.sim.network().heal();
    EXPECT_LE(l.leg(link, true).first, LinkTiming{}.latency_max_ns);
  });
}

TEST(ServiceLink, LossIsRetransmissionDelayAndDuplicatesChangeNothing) {
  Links l;
  l.sim.run([&](io::Env& env) {
    env.clock.sleep_ns(kMs);
    ServiceLink link(&l.sim, l.app, l.server, l.sim.random().fork(2), LinkTiming{});
    l.fault(l.app, l.server, 0, 1.0, 0, 0);
    for (int i = 0; i < 20; ++i) EXPECT_LE(l.leg(link, true).first, LinkTiming{}.latency_max_ns);
    l.fault(l.app, l.server, 0.3, 0, 0, 0);
    int delayed = 0;
    for (int i = 0; i < 100; ++i) {
      auto [ns, ok] = l.leg(link, true, 1000 * io::kNsPerSec);
      ASSERT_TRUE(ok);
      // The excess over the base latency is a sum of retransmission timeouts: 200 ms, 400 ms,
      // ... so 0, 200, 600, 1400 ms and so on.
      const std::int64_t rto_sum_ms = (ns - 1) / kMs;  // the base latency is 0.1 to 1 ms
      bool matches = false;
      for (std::int64_t sum = 0, rto = 200; sum <= rto_sum_ms; sum += rto, rto *= 2) {
        matches = matches || rto_sum_ms == sum;
      }
      EXPECT_TRUE(matches) << ns;
      delayed += ns >= ServiceLink::kRtoMinNs;
    }
    EXPECT_GT(delayed, 15);  // about 30 legs lost their first segment
    EXPECT_LT(delayed, 45);
  });
}

TEST(ServiceLink, ALegThatCannotArriveFailsAtTheDeadline) {
  Links l;
  l.sim.run([&](io::Env& env) {
    env.clock.sleep_ns(kMs);
    ServiceLink link(&l.sim, l.app, l.server, l.sim.random().fork(3), LinkTiming{});
    l.fault(l.app, l.server, 1.0, 0, 0, 0);  // every segment lost: TCP gives up
    auto [lost_ns, lost_ok] = l.leg(link, true, 2 * io::kNsPerSec);
    EXPECT_FALSE(lost_ok);
    EXPECT_EQ(lost_ns, 2 * io::kNsPerSec);
    l.fault(l.app, l.server, 0, 0, 3 * io::kNsPerSec, 0);  // slower than the deadline
    auto [slow_ns, slow_ok] = l.leg(link, true, 2 * io::kNsPerSec);
    EXPECT_FALSE(slow_ok);
    EXPECT_EQ(slow_ns, 2 * io::kNsPerSec);
    EXPECT_TRUE(l.leg(link, true, 4 * io::kNsPerSec).second);
  });
}

io::TableSchema kv() {
  io::TableSchema s;
  s.name = "kv";
  s.columns = {{"k", io::ColumnType::kInt64, false}, {"v", io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  return s;
}

// Commits one row over a link slowed in direction (from, to), cutting the connection 100 ms into
// the slow leg with `cut`; returns the commit status and whether the row exists afterwards.
template <typename Cut>
std::pair<io::Status, bool> commit_cut(bool slow_request, Cut cut) {
  Links l;
  pg::PgCluster cluster(&l.sim, pg::PgOptions{});
  const int pg1 = cluster.add_server("pg1");
  EXPECT_TRUE(cluster.create_table(kv()).is_ok());
  io::Status committed = io::Status::ok();
  bool exists = false;
  l.sim.run([&](io::Env& env) {
    env.clock.sleep_ns(kMs);
    pg::SimSqlStore store(&cluster, l.app, l.sim.random().fork(4));
    auto tx = store.begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(tx.is_ok());
    ASSERT_TRUE(
        tx.value()->insert("kv", {io::Value(std::int64_t{1}), io::Value(std::int64_t{1})}).is_ok());
    if (slow_request) {
      l.fault(l.app, pg1, 0, 0, 200 * kMs, 0);
    } else {
      l.fault(pg1, l.app, 0, 0, 200 * kMs, 0);
    }
    l.sim.spawn(Simulator::kHarnessNode, "cut", [&] {
      env.clock.sleep_ns(100 * kMs);
      cut(l.sim, pg1);
    });
    committed = tx.value()->commit();
    env.clock.sleep_ns(2 * io::kNsPerSec);
    l.sim.network().heal();
    if (!l.sim.is_up(pg1)) l.sim.restart(pg1);
    env.clock.sleep_ns(kMs);
    auto read = store.begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(read.is_ok());
    auto row = read.value()->get("kv", {io::Value(std::int64_t{1})});
    ASSERT_TRUE(row.is_ok());
    exists = row.value().has_value();
  });
  return {committed, exists};
}

TEST(ServiceLink, AServerKilledWhileASlowCommitTravelsNeverAppliesIt) {
  auto [status, exists] = commit_cut(true, [](Simulator& sim, int pg1) { sim.crash(pg1); });
  EXPECT_TRUE(status.is_failed()) << status.to_string();
  EXPECT_FALSE(exists);
}

TEST(ServiceLink, AReplyCutOffOnItsSlowWayBackIsIndeterminateAndTheCommitHappened) {
  auto [status, exists] = commit_cut(false, [](Simulator& sim, int pg1) {
    sim.network().set_blocked(pg1, sim.find_node("app"), true);
  });
  EXPECT_TRUE(status.is_indeterminate()) << status.to_string();
  EXPECT_TRUE(exists);
}

}  // namespace
}  // namespace fl::sim
