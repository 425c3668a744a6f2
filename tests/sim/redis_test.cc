// Proves the simulated Redis: a model-based test (rc::state) of its keyspace against a reference
// map with TTLs (SET with NX/XX/PX, INCRBY, DEL, PEXPIRE, GET, and time passing), and through the
// KvCache seam over the simulated network: what each persistence mode loses on a crash (off:
// everything; everysec: the last second; always: nothing), TTLs in virtual time, a server clock
// jump expiring keys early, and the lease scripts.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <map>

#include "sim/redis/sim_redis.h"

namespace fl::sim::redis {
namespace {

struct RefEntry {
  std::string value;
  std::int64_t expire_at = 0;
};
struct Model {
  std::map<std::string, RefEntry> m;
  std::int64_t now = 1000;
  std::optional<std::string> get(const std::string& k) const {
    auto it = m.find(k);
    if (it == m.end() || (it->second.expire_at && it->second.expire_at <= now)) return {};
    return it->second.value;
  }
};
struct Sut {
  RedisState s;
  std::int64_t now = 1000;
};
using Cmd = rc::state::Command<Model, Sut>;
std::string gen_key() { return *rc::gen::element<std::string>("a", "b", "c", "n"); }

struct Set : Cmd {
  std::string k = gen_key();
  std::string v = *rc::gen::element<std::string>("1", "x", "-5", "");
  io::SetCondition c = *rc::gen::element(io::SetCondition::kAlways, io::SetCondition::kIfAbsent,
                                         io::SetCondition::kIfPresent);
  std::int64_t ttl = *rc::gen::element<std::int64_t>(0, 1, 5);
  bool hits(const Model& m) const {
    const bool present = m.get(k).has_value();
    return c == io::SetCondition::kAlways || (c == io::SetCondition::kIfAbsent) != present;
  }
  void apply(Model& m) const override {
    if (hits(m)) m.m[k] = RefEntry{v, ttl ? m.now + ttl * io::kNsPerMs : 0};
  }
  void run(const Model& m, Sut& s) const override {
    RC_ASSERT(s.s.set(k, v, c, ttl, s.now, nullptr) == hits(m));
  }
  void show(std::ostream& os) const override { os << "Set " << k << "=" << v << " ttl " << ttl; }
};
struct Get : Cmd {
  std::string k = gen_key();
  void run(const Model& m, Sut& s) const override { RC_ASSERT(s.s.get(k, s.now) == m.get(k)); }
  void show(std::ostream& os) const override { os << "Get " << k; }
};
struct Incr : Cmd {
  std::string k = gen_key();
  std::int64_t by = *rc::gen::inRange<std::int64_t>(-3, 4);
  std::optional<std::int64_t> expect(const Model& m) const {
    auto v = m.get(k);
    if (!v) return by;
    if (v->empty()) return std::nullopt;
    std::size_t used = 0;
    try {
      const long long x = std::stoll(*v, &used);
      if (used != v->size()) return std::nullopt;
      return x + by;
    } catch (...) {
      return std::nullopt;
    }
  }
  void apply(Model& m) const override {
    auto e = expect(m);
    if (!e) return;
    if (!m.get(k))
      m.m[k] = RefEntry{std::to_string(*e), 0};
    else
      m.m[k].value = std::to_string(*e);
  }
  void run(const Model& m, Sut& s) const override {
    RC_ASSERT(s.s.incr(k, by, s.now, nullptr) == expect(m));
  }
  void show(std::ostream& os) const override { os << "Incr " << k << " by " << by; }
};
struct Del : Cmd {
  std::string k = gen_key();
  void apply(Model& m) const override { m.m.erase(k); }
  void run(const Model& m, Sut& s) const override {
    RC_ASSERT(s.s.del(k, s.now, nullptr) == m.get(k).has_value());
  }
  void show(std::ostream& os) const override { os << "Del " << k; }
};
struct Expire : Cmd {
  std::string k = gen_key();
  std::int64_t ttl = *rc::gen::element<std::int64_t>(0, 1, 3);
  void apply(Model& m) const override {
    if (!m.get(k)) return;
    if (ttl <= 0)
      m.m.erase(k);
    else
      m.m[k].expire_at = m.now + ttl * io::kNsPerMs;
  }
  void run(const Model& m, Sut& s) const override {
    RC_ASSERT(s.s.expire(k, ttl, s.now, nullptr) == m.get(k).has_value());
  }
  void show(std::ostream& os) const override { os << "Expire " << k << " " << ttl; }
};
struct Tick : Cmd {
  std::int64_t ms = *rc::gen::inRange<std::int64_t>(0, 4);
  void apply(Model& m) const override { m.now += ms * io::kNsPerMs; }
  void run(const Model&, Sut& s) const override { s.now += ms * io::kNsPerMs; }
  void show(std::ostream& os) const override { os << "Tick " << ms << "ms"; }
};

RC_GTEST_PROP(RedisModel, KeyspaceBehavesLikeAMapWithTtls, ()) {
  Model model;
  Sut sut;
  rc::state::check(model, sut,
                   rc::state::gen::execOneOfWithArgs<Set, Get, Incr, Del, Expire, Tick>());
}

// Writes keys 0..n-1, then crashes and restarts the server; returns how many survived.
int survivors(Persistence p, int n, std::int64_t crash_after_ns) {
  Simulator sim(SimOptions{});
  RedisOptions o;
  o.persistence = p;
  RedisServer server(&sim, "redis", o);
  int found = 0;
  sim.run([&](io::Env& env) {
    SimKvCache kv(&server, Simulator::kHarnessNode, sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(kv.set(std::to_string(i), "v", io::SetCondition::kAlways, 0).is_ok());
    }
    env.clock.sleep_ns(crash_after_ns);
    sim.crash(server.node());
    sim.restart(server.node());
    env.clock.sleep_ns(io::kNsPerMs);
    for (int i = 0; i < n; ++i) {
      auto v = kv.get(std::to_string(i));
      EXPECT_TRUE(v.is_ok());
      found += v.is_ok() && v.value().has_value() ? 1 : 0;
    }
  });
  return found;
}

TEST(SimRedis, PersistenceModesLoseWhatTheyShould) {
  EXPECT_EQ(survivors(Persistence::kOff, 20, 2 * io::kNsPerSec), 0);
  EXPECT_EQ(survivors(Persistence::kAlways, 20, 0), 20);
  EXPECT_LT(survivors(Persistence::kEverySec, 20, 0), 20);  // crash before the next fsync
  EXPECT_EQ(survivors(Persistence::kEverySec, 20, 1100 * io::kNsPerMs), 20);
}

TEST(SimRedis, TtlNxAndClockJumps) {
  Simulator sim(SimOptions{});
  RedisServer server(&sim, "redis", RedisOptions{});
  sim.run([&](io::Env& env) {
    SimKvCache kv(&server, Simulator::kHarnessNode, sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_TRUE(kv.set("lock", "me", io::SetCondition::kIfAbsent, 1000).value());
    EXPECT_FALSE(kv.set("lock", "you", io::SetCondition::kIfAbsent, 1000).value());
    EXPECT_EQ(kv.set_if_absent_or_get("lock", "you", 1000).value(),
              std::optional<std::string>("me"));
    EXPECT_FALSE(kv.delete_if_equals("lock", "you").value());
    EXPECT_TRUE(kv.expire_if_equals("lock", "me", 2000).value());
    env.clock.sleep_ns(1500 * io::kNsPerMs);
    EXPECT_TRUE(kv.get("lock").value().has_value());  // renewed to 2 s
    env.clock.sleep_ns(600 * io::kNsPerMs);
    EXPECT_FALSE(kv.get("lock").value().has_value());  // expired in virtual time
    EXPECT_TRUE(kv.set("k", "v", io::SetCondition::kAlways, 10000).value());
    sim.set_wall_offset(server.node(), 20 * io::kNsPerSec);  // the server's clock jumps ahead
    EXPECT_FALSE(kv.get("k").value().has_value());           // expired early
    EXPECT_EQ(kv.incr("n", 5).value(), 5);
    EXPECT_EQ(kv.incr("n", -7).value(), -2);
    EXPECT_TRUE(kv.set("s", "text", io::SetCondition::kAlways, 0).value());
    EXPECT_EQ(kv.incr("s", 1).status().kind(), io::ErrorKind::kInvalidArgument);
  });
}

TEST(SimRedis, PartitionedClientFailsReadsAndWritesAreIndeterminateWhenRepliesAreLost) {
  Simulator sim(SimOptions{});
  RedisOptions o;
  o.link.latency_min_ns = o.link.latency_max_ns = io::kNsPerMs;
  RedisServer server(&sim, "redis", o);
  sim.run([&](io::Env& env) {
    SimKvCache kv(&server, Simulator::kHarnessNode, sim.random().fork(1));
    env.clock.sleep_ns(io::kNsPerMs);
    sim.network().set_blocked(Simulator::kHarnessNode, server.node(), true);
    EXPECT_EQ(kv.get("x").status().kind(), io::ErrorKind::kConnectionLost);
    EXPECT_TRUE(kv.get("x").status().is_failed());
    sim.network().heal();
    sim.spawn(Simulator::kHarnessNode, "cut", [&] {
      sim.sleep_until(sim.now_ns() + 1500 * io::kNsPerUs);  // after the SET arrived
      sim.network().set_blocked(server.node(), Simulator::kHarnessNode, true);
    });
    auto w = kv.set("x", "1", io::SetCondition::kAlways, 0);
    EXPECT_TRUE(w.status().is_indeterminate()) << w.status().to_string();
    sim.network().heal();
    EXPECT_EQ(kv.get("x").value(), std::optional<std::string>("1"));  // it was applied
  });
}

}  // namespace
}  // namespace fl::sim::redis
