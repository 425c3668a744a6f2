// The saga system registered with the harness (see saga_system.h), and the saga extension hook.
#include "scenarios/saga_system.h"

#include <map>
#include <nlohmann/json.hpp>

#include "scenarios/harness.h"
#include "scenarios/saga_extension.h"
#include "scenarios/serve.h"
#include "system/inventory/inventory_service.h"
#include "system/io/assert.h"
#include "system/notification/notification_service.h"
#include "system/payment/payment_service.h"
#include "system/saga/messages.h"

namespace fl::scenarios {
namespace {

using nlohmann::json;

constexpr const char* kServiceNames[kSagaServices] = {"orchestrator", "inventory", "payment",
                                                      "notification"};
// Each service's name for `faultline serve` (real mode runs the nodes as such processes).
constexpr const char* kServeNames[kSagaServices] = {"saga", "inventory", "payment", "notification"};
// Every incarnation of every service node of one run (kept alive between restarts: the old
// incarnation's fibers are gone once the node restarts, so replacing it is safe).
using Hosts = std::map<std::string, std::unique_ptr<SagaServiceHost>>;

std::string build_saga_system(const json& options, Topology* topology) {
  FL_ASSERT(topology != nullptr);
  std::string shape = "nodes";
  SagaBugs bugs;
  SagaTuning tuning;
  bool any_bug = false;
  if (!options.is_null() && !options.is_object()) return "system_options: expected a table";
  const json opts = options.is_object() ? options : json::object();
  for (const auto& [key, value] : opts.items()) {
    if (key == "bug") {
      if (!value.is_string()) return "system_options.bug: expected a string";
      const std::string error = parse_saga_bug(value.get<std::string>(), &bugs);
      if (!error.empty()) return "system_options.bug: " + error;
      any_bug = true;
      continue;
    }
    if (key == "step_timeout_ms" || key == "forward_attempts") {
      const bool timeout = key == "step_timeout_ms";
      const std::int64_t lo = timeout ? kMinStepTimeoutMs : 1;
      const std::int64_t hi = timeout ? kMaxStepTimeoutMs : kMaxForwardAttempts;
      if (!value.is_number_integer() || value.get<std::int64_t>() < lo ||
          value.get<std::int64_t>() > hi) {
        return "system_options." + key + ": expected an integer in " + std::to_string(lo) + ".." +
               std::to_string(hi);
      }
      if (timeout) tuning.step_timeout_ns = value.get<std::int64_t>() * io::kNsPerMs;
      if (!timeout) tuning.max_forward_attempts = value.get<int>();
      continue;
    }
    if (key != "shape") {
      return "system_options." + key +
             ": unknown key (known: shape, bug, step_timeout_ms, forward_attempts)";
    }
    if (!value.is_string() || (value != "nodes" && value != "embedded")) {
      return "system_options.shape: expected \"nodes\" or \"embedded\"";
    }
    shape = value.get<std::string>();
  }
  if (any_bug && shape != "nodes") return "system_options.bug: needs shape = \"nodes\"";
  StoreTopology& st = topology->stores;
  if (st.pg_servers < 1 || !st.redis || !st.kafka) {
    return "topology: system \"saga\" needs pg_servers >= 1, redis = true and kafka = true";
  }
  if (shape == "embedded" && (tuning.step_timeout_ns > 0 || tuning.max_forward_attempts > 0)) {
    return "system_options.step_timeout_ms, forward_attempts: with shape = \"embedded\" the "
           "workload hosts the services: set its step_timeout_ms, forward_attempts instead";
  }
  if (shape == "embedded") return "";
  auto hosts = std::make_shared<Hosts>();
  for (int i = 0; i < kSagaServices; ++i) {
    const auto service = static_cast<SagaService>(i);
    ServiceNode node;
    node.name = kServiceNames[i];
    node.sql = node.cache = node.events = true;
    if (!any_bug) {  // the known-bug switches exist in simulation only
      node.process_args = {"serve", kServeNames[i]};
      if (service == SagaService::kOrchestrator && tuning.step_timeout_ns > 0) {
        node.process_args.push_back("--step-timeout-ms");
        node.process_args.push_back(std::to_string(tuning.step_timeout_ns / io::kNsPerMs));
      }
      if (service == SagaService::kOrchestrator && tuning.max_forward_attempts > 0) {
        node.process_args.push_back("--forward-attempts");
        node.process_args.push_back(std::to_string(tuning.max_forward_attempts));
      }
      node.kafka_topics = {{saga::kInventoryCommands, saga::kTopicPartitions},
                           {saga::kPaymentCommands, saga::kTopicPartitions},
                           {saga::kNotificationCommands, saga::kTopicPartitions},
                           {saga::kReplies, saga::kTopicPartitions},
                           {kServeHealthTopic, 1}};
    }
    node.main = [hosts, service, bugs, tuning](io::Env& env) {
      auto& slot = (*hosts)[saga_service_name(service)];
      slot.reset();  // the previous incarnation (its fibers died with it)
      slot = std::make_unique<SagaServiceHost>(service, env, bugs, tuning);
      io::Status started = slot->start();
      FL_ASSERT_MSG(started.is_ok(), saga_service_name(service)
                                         << " could not start: " << started.to_string());
      if (slot->orchestrator() != nullptr) {
        env.transport.serve(saga_orchestrator_handler(slot->orchestrator()));
      }
    };
    topology->services.push_back(std::move(node));
  }
  return "";
}

}  // namespace

std::string parse_saga_bug(const std::string& name, SagaBugs* bugs) {
  FL_ASSERT(bugs != nullptr);
  if (name == "no-inbox-dedup") {
    bugs->no_inbox_dedup = true;
  } else if (name == "outbox-outside-txn") {
    bugs->publish_outside_txn = true;
  } else if (name == "compensate-unchecked") {
    bugs->compensate_unchecked = true;
  } else if (name == "refund-without-key") {
    bugs->refund_without_key = true;
  } else {
    return "expected one of no-inbox-dedup, outbox-outside-txn, compensate-unchecked, "
           "refund-without-key, got '" +
           name + "'";
  }
  return "";
}

void apply_saga_tuning(const SagaTuning& tuning, saga::OrchestratorOptions* options) {
  FL_ASSERT(options != nullptr);
  if (tuning.step_timeout_ns > 0) options->step_timeout_ns = tuning.step_timeout_ns;
  if (tuning.max_forward_attempts > 0) {
    options->limits.max_forward_attempts = tuning.max_forward_attempts;
  }
}

const char* saga_service_name(SagaService service) {
  const int i = static_cast<int>(service);
  FL_ASSERT(i >= 0 && i < kSagaServices);
  return kServiceNames[i];
}

struct SagaServiceHost::Impl {
  io::Env* env = nullptr;
  std::unique_ptr<saga::Orchestrator> orchestrator;
  std::unique_ptr<inventory::InventoryService> inventory;
  std::unique_ptr<payment::PaymentService> payment;
  std::unique_ptr<notification::NotificationService> notification;
};

SagaServiceHost::SagaServiceHost(SagaService service, io::Env& env, const SagaBugs& bugs,
                                 const SagaTuning& tuning)
    : impl_(std::make_unique<Impl>()) {
  impl_->env = &env;
  switch (service) {
    case SagaService::kOrchestrator: {
      saga::OrchestratorOptions o;
      o.bug_no_inbox_dedup = bugs.no_inbox_dedup;
      o.bug_publish_outside_txn = bugs.publish_outside_txn;
      o.bug_compensate_unchecked = bugs.compensate_unchecked;
      apply_saga_tuning(tuning, &o);
      impl_->orchestrator = std::make_unique<saga::Orchestrator>(env, o);
      break;
    }
    case SagaService::kInventory:
      impl_->inventory = std::make_unique<inventory::InventoryService>(env);
      break;
    case SagaService::kPayment: {
      payment::PaymentOptions o;
      o.bug_refund_without_key = bugs.refund_without_key;
      impl_->payment = std::make_unique<payment::PaymentService>(env, o);
      break;
    }
    case SagaService::kNotification:
      impl_->notification = std::make_unique<notification::NotificationService>(env);
      break;
  }
}

SagaServiceHost::~SagaServiceHost() = default;

io::Status SagaServiceHost::start() {
  io::Status last = io::Status::ok();
  for (int attempt = 1; attempt <= kMaxSagaServiceStartAttempts; ++attempt) {
    if (impl_->orchestrator) last = impl_->orchestrator->run();
    if (impl_->inventory) last = impl_->inventory->run();
    if (impl_->payment) last = impl_->payment->run();
    if (impl_->notification) last = impl_->notification->run();
    if (last.is_ok()) return last;
    impl_->env->clock.sleep_ns(kSagaServiceStartRetryNs);
  }
  return last;
}

saga::Orchestrator* SagaServiceHost::orchestrator() { return impl_->orchestrator.get(); }

void register_saga_system() {
  register_system({"saga",
                   "order sagas: orchestrator, inventory, payment and notification as service "
                   "nodes (system_options.shape = \"embedded\": hosted by the workload)",
                   build_saga_system});
}

void register_saga_extension() {
  register_saga_system();
  register_saga_orders_workload();
}

}  // namespace fl::scenarios
