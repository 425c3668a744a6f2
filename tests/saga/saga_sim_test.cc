// Proves the saga system end to end on the simulator: the orchestrator and the three
// participants as separate simulated nodes (the harness' "saga" system, served through the same
// ServiceHost and HTTP API as production) over simulated PostgreSQL, Redis and Kafka.
// How: each test starts sagas with POST /api/v1/sagas at node "orchestrator", waits (bounded
// virtual time) until none is unfinished, reads the final state from the stores and runs the
// saga-orders checker (stock conserved, charged exactly once or netting zero, at most one
// notification) besides test-specific expectations. Crash tests kill one node mid-saga through
// the fault port and restart it; the redelivery test produces duplicate commands and replies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "compose/saga/check.h"
#include "compose/saga/final_state.h"
#include "system/inventory/inventory_service.h"
#include "system/saga/definition.h"
#include "tests/support/sim_system.h"

namespace fl::test {
namespace {

using compose::SagaCheckInput;
using compose::SagaClientRecord;

constexpr std::int64_t kWaitStepNs = 200 * io::kNsPerMs;
constexpr int kMaxWaitSteps = 600;  // 120 s of virtual time
constexpr std::int64_t kCallTimeoutNs = 2 * io::kNsPerSec;

struct Order {
  std::string key;
  std::string sku;
  std::int64_t quantity = 1;
  std::int64_t amount_cents = 100;
  std::string card;
};

SimSystemOptions saga_options(std::uint64_t seed = 1) {
  SimSystemOptions o;
  o.system = "saga";
  o.stores.redis = true;
  o.stores.kafka = true;
  o.seed = seed;
  return o;
}

void create_items(io::Env& env, const std::map<std::string, std::int64_t>& stock) {
  inventory::InventoryService inventory(env);
  ASSERT_TRUE(inventory.init().is_ok());
  for (const auto& [sku, quantity] : stock) {
    ASSERT_TRUE(inventory.create_item({sku, "item " + sku, quantity}).is_ok());
  }
}

// POST /api/v1/sagas until acknowledged (bounded). Records what the client saw.
SagaClientRecord start(io::Env& env, const Order& o) {
  SagaClientRecord r{
      o.key, o.key, o.sku, o.quantity, o.amount_cents, SagaClientRecord::Outcome::kUnknown, "", ""};
  const nlohmann::json body = {{"type", "order_processing"},
                               {"idempotency_key", o.key},
                               {"data",
                                {{"order_id", o.key},
                                 {"user_id", "u-" + o.key},
                                 {"sku", o.sku},
                                 {"quantity", o.quantity},
                                 {"amount_cents", o.amount_cents},
                                 {"card", o.card.empty() ? "visa" : o.card}}}};
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto called = env.transport.call("orchestrator", {"POST", "/api/v1/sagas", body.dump(), {}},
                                     env.clock.deadline_after_ns(kCallTimeoutNs));
    if (called.is_ok() && (called.value().status == 201 || called.value().status == 200)) {
      r.outcome = SagaClientRecord::Outcome::kAcknowledged;
      r.saga_id = nlohmann::json::parse(called.value().body).at("saga_id").get<std::string>();
      return r;
    }
    env.clock.sleep_ns(kWaitStepNs);
  }
  return r;
}

bool wait_all_final(io::Env& env) {
  for (int step = 0; step < kMaxWaitSteps; ++step) {
    auto state = compose::read_saga_final_state(env);
    if (state.is_ok() && compose::unfinished_sagas(state.value()) == 0) return true;
    env.clock.sleep_ns(kWaitStepNs);
  }
  return false;
}

struct Outcome {
  SagaCheckInput input;
  std::vector<std::string> problems;
  harness::RuntimeReport report;
  bool settled = false;
};

// Runs `orders` (started one after another) with `during` on a harness fiber meanwhile.
Outcome run_orders(const std::map<std::string, std::int64_t>& stock,
                   const std::vector<Order>& orders,
                   const std::function<void(harness::Runtime&)>& during = nullptr) {
  Outcome out;
  out.input.initial_stock = stock;
  out.report = run_sim_system(saga_options(), [&](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    create_items(env, stock);
    if (during) rt.spawn("during", [&] { during(rt); });
    for (const auto& o : orders) out.input.records.push_back(start(env, o));
    out.settled = wait_all_final(env);
    auto final_state = compose::read_saga_final_state(env);
    EXPECT_TRUE(final_state.is_ok()) << final_state.status().to_string();
    if (final_state.is_ok()) out.input.final_state = final_state.value();
  });
  out.problems = compose::check_saga_orders(out.input);
  EXPECT_TRUE(out.report.problems.empty()) << out.report.problems.front();
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
  Outcome out = run_orders({{"A", 10}}, {{"o1", "A", 2, 500, ""}});
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
  Outcome out = run_orders({{"A", 3}}, {{"o1", "A", 2, 100, ""}, {"o2", "A", 2, 100, ""}});
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
  Outcome out = run_orders({{"A", 5}}, {{"o1", "A", 4, 100, "declined"}});
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

class SagaCrash : public ::testing::TestWithParam<std::string> {};

TEST_P(SagaCrash, CrashMidSagaThenRecoveryCompletesOrCompensates) {
  const std::string node = GetParam();
  for (std::int64_t crash_ms : {5, 20, 60}) {
    Outcome out = run_orders({{"A", 6}, {"B", 6}}, mixed_orders(12), [&](harness::Runtime& rt) {
      rt.sleep_until_ns(rt.now_ns() + crash_ms * io::kNsPerMs);
      ASSERT_EQ(rt.faults().kill(node, false), "");
      rt.sleep_until_ns(rt.now_ns() + 2 * io::kNsPerSec);
      ASSERT_EQ(rt.faults().restart(node), "");
    });
    ASSERT_TRUE(out.settled) << node << " crash at " << crash_ms << " ms";
    EXPECT_TRUE(out.problems.empty()) << node << ": " << joined(out.problems);
    EXPECT_EQ(out.input.final_state.sagas.size(), 12u);
  }
}

INSTANTIATE_TEST_SUITE_P(EachNode, SagaCrash,
                         ::testing::Values("orchestrator", "inventory", "payment", "notification"));

TEST(SagaSim, DuplicateCommandsAndRepliesDoNotDoubleCharge) {
  SagaCheckInput input;
  input.initial_stock = {{"A", 10}};
  harness::RuntimeReport report = run_sim_system(saga_options(), [&](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    create_items(env, input.initial_stock);
    input.records.push_back(start(env, {"o1", "A", 1, 700, ""}));
    ASSERT_TRUE(wait_all_final(env));
    // Kafka redelivery, made explicit: every command and reply of the saga again, three times.
    const saga::SagaDefinition* def = saga::find_definition("order_processing");
    const std::string id = input.records[0].saga_id;
    auto data = compose::read_saga_final_state(env).value().sagas.at(0).data_json;
    for (int copy = 0; copy < 3; ++copy) {
      for (int step = 0; step < def->step_count(); ++step) {
        saga::Command c = def->command(id, data, step, saga::Direction::kForward);
        const auto& topic = def->steps()[static_cast<std::size_t>(step)].topic;
        ASSERT_TRUE(env.events->produce(topic, id, saga::encode(c)).is_ok());
        saga::Reply r{id, step, saga::Direction::kForward, c.idempotency_key, true, ""};
        ASSERT_TRUE(env.events->produce(saga::kReplies, id, saga::encode(r)).is_ok());
      }
    }
    env.clock.sleep_ns(5 * io::kNsPerSec);
    auto final_state = compose::read_saga_final_state(env);
    ASSERT_TRUE(final_state.is_ok());
    input.final_state = final_state.value();
  });
  EXPECT_TRUE(report.problems.empty());
  auto problems = compose::check_saga_orders(input);
  EXPECT_TRUE(problems.empty()) << joined(problems);
  ASSERT_EQ(input.final_state.ledger.size(), 1u);
  EXPECT_EQ(input.final_state.items.at(0).available, 9);
  EXPECT_EQ(input.final_state.notifications.size(), 1u);
}

TEST(SagaSim, SameSeedSameTraceHash) {
  auto once = [] { return run_orders({{"A", 6}, {"B", 6}}, mixed_orders(6)).report.trace_hash; };
  const std::string a = once();
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, once());
}

}  // namespace
}  // namespace fl::test
