// Proves the saga system end to end on the simulator: the orchestrator and the three
// participants as separate simulated processes over simulated PostgreSQL, Redis and Kafka.
// How: each test starts sagas through the orchestrator's RPC, waits (bounded virtual time) until
// none is unfinished, reads the final state from the stores and runs the saga-orders checker
// (stock conserved, charged exactly once or netting zero, at most one notification) besides
// test-specific expectations. Crash tests crash one node mid-saga and restart it; the
// redelivery test produces duplicate commands and replies into Kafka.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scenarios/saga_check.h"
#include "scenarios/saga_world.h"

namespace fl::scenarios {
namespace {

constexpr std::int64_t kWaitStepNs = 200 * io::kNsPerMs;
constexpr int kMaxWaitSteps = 600;  // 120 s of virtual time

struct Order {
  std::string key;
  std::string sku;
  std::int64_t quantity = 1;
  std::int64_t amount_cents = 100;
  std::string card;
};

std::string order_json(const Order& o) {
  return nlohmann::json{
      {"order_id", o.key},      {"user_id", "u-" + o.key},        {"sku", o.sku},
      {"quantity", o.quantity}, {"amount_cents", o.amount_cents}, {"card", o.card}}
      .dump();
}

// Starts `order`, retrying with the same key until acknowledged (bounded). Records the outcome.
SagaClientRecord start(SagaWorld& world, io::Env& env, const Order& o) {
  SagaClientRecord r{o.key, o.key, o.sku, o.quantity, o.amount_cents};
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto started = world.start_saga(env, "order_processing", order_json(o), o.key);
    if (started.is_ok()) {
      r.outcome = SagaClientRecord::Outcome::kAcknowledged;
      r.saga_id = started.value();
      return r;
    }
    env.clock.sleep_ns(kWaitStepNs);
  }
  return r;
}

bool wait_all_final(SagaWorld& world, io::Env& env) {
  for (int step = 0; step < kMaxWaitSteps; ++step) {
    auto unfinished = world.count_unfinished(env);
    if (unfinished.is_ok() && unfinished.value() == 0) return true;
    env.clock.sleep_ns(kWaitStepNs);
  }
  return false;
}

struct Outcome {
  SagaCheckInput input;
  std::vector<std::string> problems;
  sim::RunReport report;
  bool settled = false;
};

// Runs `orders` (started one after another) with `during` on a harness fiber meanwhile.
Outcome run_orders(SagaWorldOptions options, const std::map<std::string, std::int64_t>& stock,
                   const std::vector<Order>& orders,
                   const std::function<void(SagaWorld&, io::Env&)>& during = nullptr) {
  SagaWorld world(options);
  Outcome out;
  out.input.initial_stock = stock;
  out.report = world.run([&](io::Env& env) {
    EXPECT_TRUE(world.setup_items(env, stock).is_ok());
    if (during) world.sim().spawn(0, "during", [&] { during(world, env); });
    for (const auto& o : orders) out.input.records.push_back(start(world, env, o));
    out.settled = wait_all_final(world, env);
    auto final_state = world.read_final(env);
    EXPECT_TRUE(final_state.is_ok()) << final_state.status().to_string();
    if (final_state.is_ok()) out.input.final_state = final_state.value();
  });
  out.problems = check_saga_orders(out.input);
  EXPECT_TRUE(out.report.fiber_failures.empty()) << out.report.fiber_failures.front();
  return out;
}

const saga::SagaView* saga_of(const Outcome& out, const std::string& key) {
  for (const auto& s : out.input.final_state.sagas) {
    if (s.idempotency_key == key) return &s;
  }
  return nullptr;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

TEST(SagaSim, HappyPathCompletesChargesOnceAndNotifiesOnce) {
  Outcome out = run_orders({}, {{"A", 10}}, {{"o1", "A", 2, 500, ""}});
  ASSERT_TRUE(out.settled);
  EXPECT_TRUE(out.problems.empty()) << joined(out.problems);
  const saga::SagaView* s = saga_of(out, "o1");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->status, saga::SagaStatus::kCompleted);
  ASSERT_EQ(out.input.final_state.items.size(), 1u);
  EXPECT_EQ(out.input.final_state.items[0].available, 8);
  EXPECT_EQ(out.input.final_state.items[0].reserved, 2);
  ASSERT_EQ(out.input.final_state.ledger.size(), 1u);
  EXPECT_EQ(out.input.final_state.ledger[0].amount_cents, 500);
  EXPECT_EQ(out.input.final_state.notifications.size(), 1u);
}

TEST(SagaSim, InsufficientStockCompensates) {
  Outcome out = run_orders({}, {{"A", 3}}, {{"o1", "A", 2, 100, ""}, {"o2", "A", 2, 100, ""}});
  ASSERT_TRUE(out.settled);
  EXPECT_TRUE(out.problems.empty()) << joined(out.problems);
  ASSERT_NE(saga_of(out, "o1"), nullptr);
  ASSERT_NE(saga_of(out, "o2"), nullptr);
  EXPECT_EQ(saga_of(out, "o1")->status, saga::SagaStatus::kCompleted);
  EXPECT_EQ(saga_of(out, "o2")->status, saga::SagaStatus::kCompensated);
  EXPECT_NE(saga_of(out, "o2")->error.find("insufficient stock"), std::string::npos);
  EXPECT_EQ(out.input.final_state.items[0].available, 1);
  EXPECT_EQ(out.input.final_state.notifications.size(), 1u);
}

TEST(SagaSim, PaymentDeclinedReleasesTheReservation) {
  Outcome out = run_orders({}, {{"A", 5}}, {{"o1", "A", 4, 100, "declined"}});
  ASSERT_TRUE(out.settled);
  EXPECT_TRUE(out.problems.empty()) << joined(out.problems);
  ASSERT_NE(saga_of(out, "o1"), nullptr);
  EXPECT_EQ(saga_of(out, "o1")->status, saga::SagaStatus::kCompensated);
  EXPECT_EQ(out.input.final_state.items[0].available, 5);
  EXPECT_EQ(out.input.final_state.items[0].reserved, 0);
  EXPECT_TRUE(out.input.final_state.ledger.empty());
  EXPECT_TRUE(out.input.final_state.notifications.empty());
}

std::vector<Order> mixed_orders(int n) {
  std::vector<Order> orders;
  for (int i = 0; i < n; ++i) {
    orders.push_back({"o" + std::to_string(i), i % 2 ? "A" : "B", 1 + i % 3, 100 + i,
                      i % 5 == 4 ? "declined" : ""});
  }
  return orders;
}

class SagaCrash : public ::testing::TestWithParam<int> {};

TEST_P(SagaCrash, CrashMidSagaThenRecoveryCompletesOrCompensates) {
  const int node = GetParam();
  for (std::int64_t crash_ms : {5, 20, 60}) {
    Outcome out =
        run_orders({}, {{"A", 6}, {"B", 6}}, mixed_orders(12), [&](SagaWorld& world, io::Env& env) {
          env.clock.sleep_ns(crash_ms * io::kNsPerMs);
          world.sim().crash(node);
          env.clock.sleep_ns(2 * io::kNsPerSec);
          world.restart(node);
        });
    ASSERT_TRUE(out.settled) << saga_node_name(node) << " crash at " << crash_ms << " ms";
    EXPECT_TRUE(out.problems.empty()) << saga_node_name(node) << ": " << joined(out.problems);
    EXPECT_EQ(out.input.final_state.sagas.size(), 12u);
  }
}

INSTANTIATE_TEST_SUITE_P(EachNode, SagaCrash,
                         ::testing::Values(kOrchestratorNode, kInventoryNode, kPaymentNode,
                                           kNotificationNode),
                         [](const auto& info) { return std::string(saga_node_name(info.param)); });

TEST(SagaSim, DuplicateCommandsAndRepliesDoNotDoubleCharge) {
  SagaWorld world(SagaWorldOptions{});
  SagaCheckInput input;
  input.initial_stock = {{"A", 10}};
  world.run([&](io::Env& env) {
    ASSERT_TRUE(world.setup_items(env, input.initial_stock).is_ok());
    input.records.push_back(start(world, env, {"o1", "A", 1, 700, ""}));
    ASSERT_TRUE(wait_all_final(world, env));
    // Kafka redelivery, made explicit: every command and reply of the saga again, three times.
    sim::kafka::SimEventLog producer(&world.kafka(), 0, &env.clock, "duplicator",
                                     world.sim().random().fork("duplicator"));
    const saga::SagaDefinition* def = saga::find_definition("order_processing");
    const std::string id = input.records[0].saga_id;
    auto data = world.read_final(env).value().sagas.at(0).data_json;
    for (int copy = 0; copy < 3; ++copy) {
      for (int step = 0; step < def->step_count(); ++step) {
        saga::Command c = def->command(id, data, step, saga::Direction::kForward);
        const auto& topic = def->steps()[static_cast<std::size_t>(step)].topic;
        ASSERT_TRUE(producer.produce(topic, id, saga::encode(c)).is_ok());
        saga::Reply r{id, step, saga::Direction::kForward, c.idempotency_key, true, ""};
        ASSERT_TRUE(producer.produce(saga::kReplies, id, saga::encode(r)).is_ok());
      }
    }
    env.clock.sleep_ns(5 * io::kNsPerSec);
    auto final_state = world.read_final(env);
    ASSERT_TRUE(final_state.is_ok());
    input.final_state = final_state.value();
  });
  auto problems = check_saga_orders(input);
  EXPECT_TRUE(problems.empty()) << joined(problems);
  ASSERT_EQ(input.final_state.ledger.size(), 1u);
  EXPECT_EQ(input.final_state.items.at(0).available, 9);
  EXPECT_EQ(input.final_state.notifications.size(), 1u);
}

TEST(SagaSim, SameSeedSameTraceHash) {
  auto once = [] {
    return run_orders({}, {{"A", 6}, {"B", 6}}, mixed_orders(6)).report.trace_hash;
  };
  EXPECT_EQ(once(), once());
}

}  // namespace
}  // namespace fl::scenarios
