// Proves the saga services' HTTP APIs (system/saga, inventory, payment, notification: the same
// handlers and ServiceHost `faultline serve` puts on real HTTP) on the simulated saga system: each
// service on its own simulated node, called over the simulated network exactly as production is
// called over HTTP. Checks status codes and JSON fields, that a saga created by POST reaches a
// final state visible by GET (completed for a stocked item, compensated otherwise), that stock and
// ledger move accordingly, that /metrics reports the sagas, and that every rejected request
// (malformed JSON, wrong types, missing or unknown fields, unknown routes, oversized bodies)
// changes nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/sim_system.h"

namespace fl::test {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kPollNs = 100 * io::kNsPerMs;
constexpr int kMaxPolls = 600;  // 60 s of virtual time
constexpr std::int64_t kCallTimeoutNs = 5 * io::kNsPerSec;

// One service's API, reached over the simulated network at its node.
struct Stack {
  io::Env& env;
  std::string node;
  io::Response raw(const std::string& method, const std::string& path, const std::string& body) {
    auto r = env.transport.call(node, {method, path, body, {}},
                                env.clock.deadline_after_ns(kCallTimeoutNs));
    EXPECT_TRUE(r.is_ok()) << node << " " << path << ": " << r.status().to_string();
    return r.is_ok() ? r.value() : io::Response{0, "", {}};
  }
  Json call(const std::string& method, const std::string& path, const std::string& body,
            int* status) {
    const io::Response r = raw(method, path, body);
    *status = r.status;
    return Json::parse(r.body, nullptr, false);
  }
};

void run_services(const std::function<void(Stack&, Stack&, Stack&, Stack&, io::Clock&)>& body) {
  SimSystemOptions o;
  o.system = "saga";
  o.stores.redis = o.stores.kafka = true;
  o.seed = 6;
  bool finished = false;
  const harness::RuntimeReport report = run_sim_system(o, [&](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    env.clock.sleep_ns(200 * io::kNsPerMs);  // the services start (tables, topics, recovery)
    Stack saga{env, "orchestrator"}, inv{env, "inventory"}, pay{env, "payment"},
        note{env, "notification"};
    body(saga, inv, pay, note, env.clock);
    finished = true;
  });
  EXPECT_TRUE(finished) << "the driver did not run to its end";
  EXPECT_FALSE(report.limit_hit);
  EXPECT_GT(report.elapsed_ns, 0);  // virtual time passed: the services really ran
  for (const auto& f : report.problems) ADD_FAILURE() << "run problem: " << f;
}

Json wait_final(Stack& saga, io::Clock& clock, const std::string& id) {
  int status = 0;
  Json j;
  for (int i = 0; i < kMaxPolls; ++i) {
    j = saga.call("GET", "/api/v1/sagas/" + id, "", &status);
    EXPECT_EQ(status, 200);
    const std::string s = j.value("status", "");
    if (s == "completed" || s == "compensated" || s == "failed") return j;
    clock.sleep_ns(kPollNs);
  }
  ADD_FAILURE() << "saga " << id << " did not finish: " << j.dump();
  return j;
}

TEST(ServeHandlers, SeedExamplesEndToEndInSimulation) {
  run_services([](Stack& saga, Stack& inv, Stack& pay, Stack& note, io::Clock& clock) {
    int st = 0;
    Json j = inv.call("POST", "/api/v1/items",
                      R"({"sku": "LAPTOP001", "name": "Gaming Laptop", "quantity": 10})", &st);
    EXPECT_EQ(st, 201) << j.dump();
    j = inv.call("POST", "/api/v1/items/LAPTOP001/reserve",
                 R"({"quantity": 2, "reservation_id": "res-123"})", &st);
    EXPECT_EQ(st, 200) << j.dump();
    EXPECT_EQ(j["state"], "held");
    j = saga.call(
        "POST", "/api/v1/sagas",
        R"({"type": "order_processing", "data": {"order_id": "123", "user_id": "user1"}})", &st);
    ASSERT_EQ(st, 201) << j.dump();
    const std::string seed_saga = j["saga_id"];
    j = saga.call("POST", "/api/v1/sagas",
                  R"({"type": "order_processing", "data": {"order_id": "o-1", "sku": "LAPTOP001",
                      "quantity": 3, "amount_cents": 5000}, "idempotency_key": "k1"})",
                  &st);
    ASSERT_EQ(st, 201) << j.dump();
    const std::string order = j["saga_id"];
    EXPECT_EQ(wait_final(saga, clock, seed_saga)["status"], "compensated");
    j = wait_final(saga, clock, order);
    EXPECT_EQ(j["status"], "completed") << j.dump();
    EXPECT_EQ(j["steps"].size(), 3u);
    j = saga.call("GET", "/api/v1/sagas?limit=10", "", &st);
    EXPECT_EQ(j["count"], 2);
    j = inv.call("GET", "/api/v1/items/LAPTOP001", "", &st);
    EXPECT_EQ(j["available"], 5);
    EXPECT_EQ(j["reserved"], 5);
    j = pay.call("GET", "/api/v1/ledger", "", &st);
    ASSERT_EQ(j["count"], 1) << j.dump();
    EXPECT_EQ(j["entries"][0]["amount_cents"], 5000);
    j = note.call("GET", "/api/v1/notifications?order_id=o-1", "", &st);
    EXPECT_EQ(j["count"], 1) << j.dump();
    const std::string metrics = saga.raw("GET", "/metrics", "").body;
    EXPECT_NE(metrics.find(R"(faultline_sagas_since_start{service="saga",state="completed"} 1)"),
              std::string::npos)
        << metrics;
  });
}

TEST(ServeHandlers, RejectedRequestsChangeNothing) {
  run_services([](Stack& saga, Stack& inv, Stack& pay, Stack& note, io::Clock&) {
    int st = 0;
    inv.call("POST", "/api/v1/items", R"({"sku": "A1", "quantity": 4})", &st);
    ASSERT_EQ(st, 201);
    const std::vector<std::pair<std::string, std::string>> bad_reserves = {
        {"{", "malformed JSON"},
        {R"({"quantity": "1", "reservation_id": "r"})", "must be an integer"},
        {R"({"quantity": 1})", "missing field 'reservation_id'"},
        {R"({"quantity": 1, "reservation_id": "r", "extra": 1})", "unknown field 'extra'"},
        {R"({"quantity": 0, "reservation_id": "r"})", "must be in [1, "}};
    for (const auto& [body, message] : bad_reserves) {
      Json j = inv.call("POST", "/api/v1/items/A1/reserve", body, &st);
      EXPECT_EQ(st, 400) << body;
      EXPECT_NE(j.value("error", "").find(message), std::string::npos) << j.dump();
    }
    Json j = inv.call("POST", "/api/v1/items/A1/reserve",
                      R"({"quantity": 5, "reservation_id": "too-many"})", &st);
    EXPECT_EQ(st, 409) << j.dump();
    j = inv.call("GET", "/api/v1/items/A1", "", &st);
    EXPECT_EQ(j["available"], 4);
    EXPECT_EQ(j["reserved"], 0);
    for (const std::string body :
         {R"({"type": "order_processing", "data": {"quantity": "x"}})", R"({"type": "nope"})",
          R"({"type": "order_processing", "extra": true})", "[]", ""}) {
      j = saga.call("POST", "/api/v1/sagas", body, &st);
      EXPECT_EQ(st, 400) << body << " " << j.dump();
      EXPECT_TRUE(j.contains("error"));
    }
    EXPECT_EQ(saga.call("POST", "/api/v1/sagas", std::string(70000, ' '), &st)["error"].size(), 1u);
    EXPECT_EQ(st, 413);
    EXPECT_EQ(saga.call("GET", "/api/v1/sagas", "", &st)["count"], 0);
    pay.call("POST", "/api/v1/payments", R"({"idempotency_key": "p", "order_id": "o"})", &st);
    EXPECT_EQ(st, 400);
    EXPECT_EQ(pay.call("GET", "/api/v1/ledger", "", &st)["count"], 0);
    note.call("POST", "/api/v1/notifications", R"({"order_id": "o", "event": 7})", &st);
    EXPECT_EQ(st, 400);
    EXPECT_EQ(note.call("GET", "/api/v1/notifications", "", &st)["count"], 0);
    EXPECT_EQ(note.call("GET", "/api/v1/notification", "", &st)["error"].is_string(), true);
    EXPECT_EQ(st, 404);
  });
}

TEST(ServeHandlers, PaymentsAndNotificationsAreIdempotent) {
  run_services([](Stack&, Stack&, Stack& pay, Stack& note, io::Clock&) {
    int st = 0;
    const std::string charge =
        R"({"idempotency_key": "p1", "order_id": "o1", "amount_cents": 700})";
    EXPECT_EQ(pay.call("POST", "/api/v1/payments", charge, &st)["state"], "charged");
    EXPECT_EQ(st, 201);
    pay.call("POST", "/api/v1/payments", charge, &st);
    EXPECT_EQ(st, 200);
    pay.call("POST", "/api/v1/payments",
             R"({"idempotency_key": "p1", "order_id": "o1", "amount_cents": 9})", &st);
    EXPECT_EQ(st, 409);
    Json j = pay.call("POST", "/api/v1/payments",
                      R"({"idempotency_key": "p2", "order_id": "o2", "amount_cents": 1,
                          "card": "declined"})",
                      &st);
    EXPECT_EQ(st, 402) << j.dump();
    j = pay.call("POST", "/api/v1/payments/p1/refund", R"({"idempotency_key": "r1"})", &st);
    EXPECT_EQ(st, 200) << j.dump();
    EXPECT_EQ(j["state"], "refunded");
    pay.call("POST", "/api/v1/payments/p1/refund", R"({"idempotency_key": "r1"})", &st);
    EXPECT_EQ(st, 200);
    j = pay.call("GET", "/api/v1/ledger", "", &st);
    std::int64_t net = 0;
    for (const auto& e : j["entries"]) net += e["amount_cents"].get<std::int64_t>();
    EXPECT_EQ(net, 0) << j.dump();
    const std::string send = R"({"order_id": "o1", "event": "order_confirmed"})";
    note.call("POST", "/api/v1/notifications", send, &st);
    EXPECT_EQ(st, 201);
    note.call("POST", "/api/v1/notifications", send, &st);
    EXPECT_EQ(st, 200);
    EXPECT_EQ(note.call("GET", "/api/v1/notifications?order_id=o1", "", &st)["count"], 1);
  });
}

}  // namespace
}  // namespace fl::test
