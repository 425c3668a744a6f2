// Proves the simulated network's contract cases one by one: a normal call, a call to a node that
// is down (failed/unreachable: never handled), a call across a partition (indeterminate
// timeout), a node crash while handling (indeterminate connection reset), a lost reply (the
// handler ran, the caller saw indeterminate), clogging (late but delivered), requests over the
// size limit, unknown nodes, and that the handler of a relay can itself call other nodes.
#include <gtest/gtest.h>

#include <map>

#include "sim/simulator.h"
#include "tests/support/echo_node.h"

namespace fl::sim {
namespace {

struct Counter final : echo::EchoObserver {
  void on_start(const std::string&, std::uint64_t) override {}
  void on_handled(const std::string& node, std::uint64_t, const std::string& body) override {
    ++handled[node + "/" + body];
  }
  std::map<std::string, int> handled;
};

class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"a", "b"}) {
      idx[name] = sim.add_node(name, [this](io::Env& env) {
        test::start_echo_node(env, &counter, echo::EchoOptions{50 * io::kNsPerMs, 0});
      });
    }
  }
  io::Result<io::Response> call(io::Env& env, const std::string& to, const std::string& body,
                                const std::string& path = "/echo") {
    return env.transport.call(to, io::Request{"POST", path, body, {}},
                              env.clock.deadline_after_ns(100 * io::kNsPerMs));
  }
  Simulator sim{SimOptions{}};
  Counter counter;
  std::map<std::string, int> idx;
};

TEST_F(NetworkTest, CallReturnsTheHandlersResponse) {
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerMs);
    auto r = call(env, "a", "1:x");
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r.value().status, 200);
    EXPECT_EQ(r.value().body, "a|1|1:x");
    auto relayed = call(env, "a", "2:y", "/relay/b");
    ASSERT_TRUE(relayed.is_ok());
    EXPECT_EQ(relayed.value().body, "b|1|2:y");
    auto missing = call(env, "a", "3:z", "/nope");
    ASSERT_TRUE(missing.is_ok());
    EXPECT_EQ(missing.value().status, 404);
  });
  EXPECT_EQ(counter.handled["a/1:x"], 1);
  EXPECT_EQ(counter.handled["b/2:y"], 1);
}

TEST_F(NetworkTest, DownNodeRefusesAndNothingIsHandled) {
  sim.run([&](io::Env& env) {
    sim.crash(idx["a"]);
    auto r = call(env, "a", "1:x");
    EXPECT_TRUE(r.status().is_failed());
    EXPECT_EQ(r.status().kind(), io::ErrorKind::kUnreachable);
    EXPECT_TRUE(r.status().retryable());
  });
  EXPECT_EQ(counter.handled.count("a/1:x"), 0u);
}

TEST_F(NetworkTest, PartitionTimesOutIndeterminate) {
  sim.run([&](io::Env& env) {
    sim.network().set_blocked(Simulator::kHarnessNode, idx["a"], true);
    auto r = call(env, "a", "1:x");
    EXPECT_TRUE(r.status().is_indeterminate());
    EXPECT_EQ(r.status().kind(), io::ErrorKind::kTimeout);
    sim.network().heal();
    EXPECT_TRUE(call(env, "a", "2:x").is_ok());
  });
  EXPECT_EQ(counter.handled.count("a/1:x"), 0u);
}

TEST_F(NetworkTest, LostReplyIsIndeterminateButWasHandled) {
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerMs);
    sim.network().set_blocked(idx["a"], Simulator::kHarnessNode, true);  // one-way: replies lost
    auto r = call(env, "a", "1:x");
    EXPECT_TRUE(r.status().is_indeterminate());
  });
  EXPECT_EQ(counter.handled["a/1:x"], 1);
}

TEST_F(NetworkTest, CrashWhileHandlingResetsTheConnection) {
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerMs);
    // b is partitioned from a, so a's relay handler waits 50 ms on its inner call; crash a then.
    sim.network().set_blocked(idx["a"], idx["b"], true);
    sim.spawn(Simulator::kHarnessNode, "crasher", [&] {
      sim.sleep_until(sim.now_ns() + 10 * io::kNsPerMs);
      sim.crash(idx["a"]);
    });
    auto r = call(env, "a", "1:x", "/relay/b");
    EXPECT_TRUE(r.status().is_indeterminate());
    EXPECT_EQ(r.status().kind(), io::ErrorKind::kConnectionLost) << r.status().to_string();
  });
}

TEST_F(NetworkTest, ClogDelaysButDelivers) {
  std::int64_t took = 0;
  sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerMs);
    sim.network().clog(Simulator::kHarnessNode, idx["a"], sim.now_ns() + 60 * io::kNsPerMs);
    const std::int64_t t0 = sim.now_ns();
    auto r = call(env, "a", "1:x");
    took = sim.now_ns() - t0;
    EXPECT_TRUE(r.is_ok());
  });
  EXPECT_GE(took, 60 * io::kNsPerMs);
}

TEST_F(NetworkTest, BadRequestsFailCleanly) {
  sim.run([&](io::Env& env) {
    auto unknown = call(env, "zz", "1:x");
    EXPECT_TRUE(unknown.status().is_failed());
    EXPECT_EQ(unknown.status().kind(), io::ErrorKind::kUnreachable);
    auto big = call(env, "a", std::string(io::kMaxBodyBytes + 1, 'x'));
    EXPECT_TRUE(big.status().is_failed());
    EXPECT_EQ(big.status().kind(), io::ErrorKind::kInvalidArgument);
    auto late = env.transport.call("a", io::Request{"POST", "/echo", "1:x", {}},
                                   io::Deadline{env.clock.monotonic_ns() - 1});
    EXPECT_TRUE(late.status().is_failed());
  });
}

}  // namespace
}  // namespace fl::sim
