// The saga's four services as ServiceInfos (compose/service.h): how one incarnation of each is
// started on a node's Env and which HTTP routes it serves, the same in simulation and production.
#include <memory>

#include "compose/saga/saga.h"
#include "compose/service.h"
#include "system/inventory/inventory_api.h"
#include "system/io/assert.h"
#include "system/notification/notification_api.h"
#include "system/payment/payment_api.h"
#include "system/saga/saga_api.h"

namespace fl::compose {
namespace {

using Kind = options::OptionSpec::Kind;

constexpr std::int64_t kMinStepTimeoutMs = 50, kMaxStepTimeoutMs = 600000;
constexpr std::int64_t kMaxForwardAttempts = 100;

std::vector<ServiceOption> orchestrator_options() {
  const saga::OrchestratorOptions defaults;
  return {
      {{"step_timeout_ms",
        Kind::kInt,
        defaults.step_timeout_ns / io::kNsPerMs,
        kMinStepTimeoutMs,
        kMaxStepTimeoutMs,
        {},
        "per-step timeout before the orchestrator resends a command"},
       "SAGA_STEP_TIMEOUT_MS"},
      {{"forward_attempts",
        Kind::kInt,
        defaults.limits.max_forward_attempts,
        1,
        kMaxForwardAttempts,
        {},
        "attempts of a compensable step before its outcome is unknown"},
       "SAGA_FORWARD_ATTEMPTS"},
      {{"bug",
        Kind::kString,
        "none",
        0,
        0,
        {"none", "no-inbox-dedup", "outbox-outside-txn", "compensate-unchecked",
         "cache-before-commit"},
        "a known-bug switch (docs/known-bugs.md)"},
       "",
       /*simulation_only=*/true},
  };
}

std::vector<ServiceOption> payment_options() {
  return {{{"bug",
            Kind::kString,
            "none",
            0,
            0,
            {"none", "refund-without-key"},
            "a known-bug switch (docs/known-bugs.md)"},
           "",
           /*simulation_only=*/true}};
}

io::Result<std::shared_ptr<void>> start_orchestrator(ServiceContext& c) {
  saga::OrchestratorOptions o;
  o.step_timeout_ns = c.options.at("step_timeout_ms").get<std::int64_t>() * io::kNsPerMs;
  o.limits.max_forward_attempts = c.options.at("forward_attempts").get<int>();
  const std::string bug = c.options.at("bug").get<std::string>();
  o.bug_no_inbox_dedup = bug == "no-inbox-dedup";
  o.bug_publish_outside_txn = bug == "outbox-outside-txn";
  o.bug_compensate_unchecked = bug == "compensate-unchecked";
  o.bug_cache_before_commit = bug == "cache-before-commit";
  if (const auto* lanes = std::any_cast<std::shared_ptr<TimelineLog>>(&c.run_state)) {
    o.on_committed = saga_lane_recorder(*lanes);  // simulation: the run report's saga lanes
  }
  auto orchestrator = std::make_shared<saga::Orchestrator>(c.env, o);
  if (io::Status s = orchestrator->run(); !s.is_ok()) return s;
  api::add_saga_routes(c.router, *orchestrator, c.log);
  api::add_saga_metrics(c.metrics, *orchestrator);
  return std::shared_ptr<void>(orchestrator);
}

io::Result<std::shared_ptr<void>> start_inventory(ServiceContext& c) {
  auto inventory = std::make_shared<inventory::InventoryService>(c.env);
  if (io::Status s = inventory->run(); !s.is_ok()) return s;
  api::add_inventory_routes(c.router, *inventory, c.log);
  return std::shared_ptr<void>(inventory);
}

io::Result<std::shared_ptr<void>> start_payment(ServiceContext& c) {
  payment::PaymentOptions o;
  o.bug_refund_without_key = c.options.at("bug") == "refund-without-key";
  auto payment = std::make_shared<payment::PaymentService>(c.env, o);
  if (io::Status s = payment->run(); !s.is_ok()) return s;
  api::add_payment_routes(c.router, *payment, c.log);
  return std::shared_ptr<void>(payment);
}

io::Result<std::shared_ptr<void>> start_notification(ServiceContext& c) {
  auto notification = std::make_shared<notification::NotificationService>(c.env);
  if (io::Status s = notification->run(); !s.is_ok()) return s;
  api::add_notification_routes(c.router, *notification, c.log);
  return std::shared_ptr<void>(notification);
}

// Every saga service uses PostgreSQL and Kafka; only the orchestrator uses Redis (its
// idempotency fast path and finished sagas, system/saga/saga_cache.h). The participants have no
// use for it, so they do not connect to it (the seeds list it for all four).
ServiceInfo saga_service(std::string name, std::string node, int port, std::string description,
                         std::vector<std::string> topics, std::string health_table,
                         StartService start) {
  ServiceInfo info;
  info.name = std::move(name);
  info.node = std::move(node);
  info.system = "saga";
  info.description = std::move(description);
  info.default_port = port;
  info.sql = info.events = true;
  info.health_table = std::move(health_table);
  for (auto& t : topics) info.topics.emplace_back(std::move(t), saga::kTopicPartitions);
  info.start = std::move(start);
  return info;
}

}  // namespace

void register_saga_services() {
  const auto table = [](const std::vector<io::TableSchema>& schemas) {
    FL_ASSERT(!schemas.empty());
    return schemas.front().name;
  };
  ServiceInfo orchestrator =
      saga_service("saga", "orchestrator", 8080, "saga orchestrator: POST/GET /api/v1/sagas",
                   {saga::kInventoryCommands, saga::kPaymentCommands, saga::kNotificationCommands,
                    saga::kReplies},
                   table(saga::Orchestrator::schemas()), start_orchestrator);
  orchestrator.options = orchestrator_options();
  orchestrator.cache = true;
  register_service(std::move(orchestrator));
  register_service(saga_service("inventory", "inventory", 8081,
                                "inventory: items and reservations (/api/v1/items)",
                                {saga::kInventoryCommands, saga::kReplies},
                                table(inventory::InventoryService::schemas()), start_inventory));
  ServiceInfo payment = saga_service("payment", "payment", 8082,
                                     "payment: charges, refunds, ledger (/api/v1/payments)",
                                     {saga::kPaymentCommands, saga::kReplies},
                                     table(payment::PaymentService::schemas()), start_payment);
  payment.options = payment_options();
  register_service(std::move(payment));
  register_service(saga_service(
      "notification", "notification", 8083, "notification: one message per order event",
      {saga::kNotificationCommands, saga::kReplies},
      table(notification::NotificationService::schemas()), start_notification));
}

void register_saga() {
  register_saga_services();
  register_saga_system();
  register_saga_orders_workload();
}

}  // namespace fl::compose
