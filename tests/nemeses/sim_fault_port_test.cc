// Proves the simulator's fault port (sim/sim_fault_port.h) by its visible effects on echo nodes
// and simulated stores: a partitioned pair cannot talk while both still answer the harness; a
// one-way block cuts one direction only; a killed node refuses calls and its restart runs its
// start-up again (a new incarnation); a paused node stalls until resumed; set_clock moves the
// node's wall clock; heal_all undoes all of it. Durability: a kill -9 of Redis with AOF everysec
// keeps what it wrote, a kill with lose_unsynced loses the unsynced tail; nodes without a
// durability model and Kafka refuse lose_unsynced. Link faults between a service node and a
// store slow that node's store sessions (as TCP over a slow link) and heal with the network;
// between two stores, or with stores as the only targets, they are refused.
#include "sim/sim_fault_port.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/support/echo_node.h"

namespace fl::sim {
namespace {

using nemeses::FaultKind;
constexpr std::int64_t kMs = io::kNsPerMs;

struct Starts final : echo::EchoObserver {
  void on_start(const std::string& node, std::uint64_t) override { ++starts[node]; }
  void on_handled(const std::string& node, std::uint64_t, const std::string&) override {
    ++handled[node];
  }
  std::map<std::string, int> starts;
  std::map<std::string, int> handled;
};

class SimFaultPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"a", "b", "c"}) {
      sim.add_node(name, [this](io::Env& env) {
        test::start_echo_node(env, &starts, echo::EchoOptions{20 * io::kNsPerMs, 0});
      });
    }
  }
  // The status of the harness calling `via`'s /relay/<to> (200: `via` reached `to`).
  int relay(io::Env& env, const std::string& via, const std::string& to) {
    auto r = env.transport.call(via, io::Request{"POST", "/relay/" + to, "1:x", {}},
                                env.clock.deadline_after_ns(100 * io::kNsPerMs));
    return r.is_ok() ? r.value().status : -1;
  }
  Simulator sim{SimOptions{}};
  Starts starts;
};

TEST_F(SimFaultPortTest, PartitionsAndOneWayBlocksCutExactlyTheirLinks) {
  sim.run([&](io::Env& env) {
    SimFaultPort port(sim);
    EXPECT_EQ(port.nodes(), (std::vector<std::string>{"a", "b", "c"}));
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_EQ(relay(env, "a", "b"), 200);
    EXPECT_EQ(port.partition({{"a"}, {"b", "c"}}), "");
    EXPECT_EQ(relay(env, "a", "b"), 502);  // a cannot reach b
    EXPECT_EQ(relay(env, "b", "a"), 502);
    EXPECT_EQ(relay(env, "b", "c"), 200);                // same side
    EXPECT_EQ(port.partition({{"a", "b"}, {"c"}}), "");  // replaces the first partition
    EXPECT_EQ(relay(env, "a", "b"), 200);
    EXPECT_EQ(relay(env, "a", "c"), 502);
    EXPECT_EQ(port.heal_network(), "");
    EXPECT_EQ(port.block_one_way("a", "b"), "");
    const int a_handled = starts.handled["a"], b_handled = starts.handled["b"];
    EXPECT_EQ(relay(env, "a", "b"), 502);
    EXPECT_EQ(starts.handled["b"], b_handled);  // a's request never arrived
    EXPECT_EQ(relay(env, "b", "a"), 502);       // b's request arrives, a's reply is dropped
    EXPECT_EQ(starts.handled["a"], a_handled + 1);
    EXPECT_NE(port.partition({{"a"}, {"a"}}), "");
    EXPECT_NE(port.partition({{"nope"}}), "");
    EXPECT_NE(port.block_one_way("a", "a"), "");
    EXPECT_EQ(port.heal_all(), "");
    EXPECT_EQ(relay(env, "a", "b"), 200);
  });
}

TEST_F(SimFaultPortTest, KillRestartPauseAndClocks) {
  sim.run([&](io::Env& env) {
    SimFaultPort port(sim, {"a", "b"});
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_NE(port.kill("c", false), "");  // not a target
    EXPECT_NE(port.kill("a", true), "");   // no durability model
    EXPECT_NE(port.refuse(FaultKind::kLoseUnsynced), "");
    EXPECT_EQ(port.kill("a", false), "");
    EXPECT_FALSE(sim.is_up(sim.find_node("a")));
    EXPECT_EQ(relay(env, "b", "a"), 502);
    EXPECT_NE(port.kill("a", false), "");  // already down
    EXPECT_EQ(port.restart("a"), "");
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_EQ(starts.starts["a"], 2);  // start-up (recovery) ran again
    EXPECT_EQ(relay(env, "b", "a"), 200);
    EXPECT_EQ(port.pause("b"), "");
    EXPECT_EQ(relay(env, "a", "b"), 502);  // stalls past the relay timeout
    EXPECT_EQ(port.resume("b"), "");
    EXPECT_NE(port.resume("b"), "");
    EXPECT_EQ(relay(env, "a", "b"), 200);
    const int b = sim.find_node("b");
    const std::int64_t before = sim.wall_ns(b);
    EXPECT_EQ(port.set_clock("b", 30 * io::kNsPerSec, 1000), "");
    EXPECT_GE(sim.wall_ns(b) - before, 30 * io::kNsPerSec);
    EXPECT_NE(port.set_clock("b", 0, 10 * kMaxDriftPpm), "");
    EXPECT_EQ(port.kill("a", false), "");
    EXPECT_EQ(port.pause("b"), "");
    EXPECT_EQ(port.heal_all(), "");
    EXPECT_TRUE(sim.is_up(sim.find_node("a")));
    EXPECT_FALSE(sim.is_paused(b));
    EXPECT_EQ(sim.skew(b).wall_offset_ns, 0);
    EXPECT_EQ(sim.skew(b).drift_ppm, 0);
  });
}

TEST_F(SimFaultPortTest, LinkFaultsDropMessages) {
  sim.run([&](io::Env& env) {
    SimFaultPort port(sim);
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_EQ(port.refuse(FaultKind::kLinkFaults), "");
    EXPECT_EQ(port.set_link_faults("a", "b", nemeses::LinkFaults{1.0, 0, 0, 0}), "");
    EXPECT_EQ(relay(env, "a", "b"), 502);
    EXPECT_EQ(relay(env, "a", "c"), 200);
    EXPECT_NE(port.set_link_faults("a", "b", nemeses::LinkFaults{2.0, 0, 0, 0}), "");
    EXPECT_EQ(port.heal_network(), "");
    EXPECT_EQ(port.set_link_faults("a", "b", nemeses::LinkFaults{0, 0, 80 * io::kNsPerMs, 0}), "");
    EXPECT_EQ(relay(env, "a", "b"), 502);  // slower than the 20 ms relay timeout
    EXPECT_EQ(port.heal_network(), "");
    EXPECT_EQ(relay(env, "a", "b"), 200);
  });
}

// Writes `n` keys to Redis (AOF everysec) right after an fsync, kills it through the port, and
// returns how many survive the restart.
int redis_survivors(bool lose_unsynced) {
  Simulator sim(SimOptions{});
  redis::RedisServer server(&sim, "redis", redis::RedisOptions{});
  kafka::KafkaBroker broker(&sim, "kafka", kafka::KafkaOptions{});
  int found = 0;
  sim.run([&](io::Env& env) {
    SimFaultPort port(sim);
    add_store_nodes(port, server);
    add_store_nodes(port, broker);
    EXPECT_EQ(port.refuse(FaultKind::kLoseUnsynced), "");
    EXPECT_NE(port.kill("kafka", true), "");  // Kafka's log is durable at once
    EXPECT_NE(port.set_link_faults("redis", "kafka", nemeses::LinkFaults{0.5, 0, 0, 0}), "");
    EXPECT_NE(port.durability_model("redis"), "");
    redis::SimKvCache kv(&server, Simulator::kHarnessNode, sim.random().fork(1));
    env.clock.sleep_ns(1010 * io::kNsPerMs);  // just after the first fsync
    for (int i = 0; i < 20; ++i) {
      EXPECT_TRUE(kv.set(std::to_string(i), "v", io::SetCondition::kAlways, 0).is_ok());
    }
    EXPECT_EQ(port.kill("redis", lose_unsynced), "");
    EXPECT_EQ(port.restart("redis"), "");
    env.clock.sleep_ns(io::kNsPerMs);
    for (int i = 0; i < 20; ++i) {
      auto v = kv.get(std::to_string(i));
      found += v.is_ok() && v.value().has_value() ? 1 : 0;
    }
  });
  return found;
}

TEST(SimFaultPortStores, RedisKillKeepsWrittenAofLoseUnsyncedDropsIt) {
  EXPECT_EQ(redis_survivors(false), 20);
  EXPECT_EQ(redis_survivors(true), 0);
}

TEST(SimFaultPortStores, LinkFaultsOnAStoreLinkSlowThatNodesSessions) {
  Simulator sim(SimOptions{});
  redis::RedisServer server(&sim, "redis", redis::RedisOptions{});
  kafka::KafkaBroker broker(&sim, "kafka", kafka::KafkaOptions{});
  const int app = sim.add_node("app", [](io::Env&) {});
  sim.run([&](io::Env& env) {
    SimFaultPort port(sim);
    add_store_nodes(port, server);
    add_store_nodes(port, broker);
    EXPECT_EQ(port.refuse(FaultKind::kLinkFaults), "");
    redis::SimKvCache from_app(&server, app, sim.random().fork(1));
    redis::SimKvCache from_harness(&server, Simulator::kHarnessNode, sim.random().fork(2));
    env.clock.sleep_ns(io::kNsPerMs);
    EXPECT_EQ(port.set_link_faults("app", "redis", nemeses::LinkFaults{0, 0.5, 100 * kMs, 0}), "");
    std::int64_t start = sim.now_ns();
    EXPECT_TRUE(from_app.set("k", "v", io::SetCondition::kAlways, 0).is_ok());
    EXPECT_GE(sim.now_ns() - start, 200 * kMs);  // both legs slowed; duplicates change nothing
    EXPECT_LT(sim.now_ns() - start, 210 * kMs);
    start = sim.now_ns();
    EXPECT_TRUE(from_harness.get("k").is_ok());  // another path: not slowed
    EXPECT_LT(sim.now_ns() - start, 10 * kMs);
    EXPECT_EQ(port.heal_network(), "");
    start = sim.now_ns();
    EXPECT_TRUE(from_app.get("k").is_ok());
    EXPECT_LT(sim.now_ns() - start, 10 * kMs);
    EXPECT_NE(port.set_link_faults("redis", "kafka", nemeses::LinkFaults{0, 0, 100 * kMs, 0}), "");
  });
}

TEST(SimFaultPortStores, StoreOnlyTargetsRefuseLinkFaults) {
  Simulator sim(SimOptions{});
  redis::RedisServer server(&sim, "redis", redis::RedisOptions{});
  sim.run([&](io::Env&) {
    SimFaultPort port(sim);
    add_store_nodes(port, server);
    EXPECT_NE(port.refuse(FaultKind::kLinkFaults), "");
    EXPECT_EQ(port.refuse(FaultKind::kKill), "");
  });
}

}  // namespace
}  // namespace fl::sim
