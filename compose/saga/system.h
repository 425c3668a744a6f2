// The saga system as a harness system (register_system "saga"): the orchestrator and the three
// participants (inventory, payment, notification) each run as a ServiceNode with its own
// PostgreSQL, Redis and Kafka sessions, so the nemeses kill, pause, partition and skew them like
// any node, and their main (construct, recover, run, serve) runs again at every restart. Clients
// reach the orchestrator over Transport at node "orchestrator" (POST /sagas, GET /sagas/<id>).
//
// In real mode the same nodes run as child processes, `faultline serve saga|inventory|payment|
// notification` (scenarios/harness_real.h), that nemeses kill -9, restart and pause; clients
// reach the orchestrator over HTTP with the seeds' API (workload option services = "http").
// The known-bug switches exist in simulation only (no process form). The system also has an
// "embedded" shape: no nodes; the saga-orders workload hosts the four services itself, each on
// the store sessions of one client slot (through the fault proxies, so kill -9 of PostgreSQL and
// Redis and the Kafka mock's broker faults hit them). System options:
//   shape = "nodes" (default) | "embedded"
//   bug = "no-inbox-dedup" | "outbox-outside-txn" | "compensate-unchecked" |
//         "refund-without-key"   (a known-bug variant, docs/known-bugs.md; nodes shape only)
#pragma once

#include <memory>
#include <string>

#include "system/io/env.h"
#include "system/saga/orchestrator.h"

namespace fl::compose {

// The services of the saga system, by node name.
enum class SagaService : int { kOrchestrator = 0, kInventory, kPayment, kNotification };
constexpr int kSagaServices = 4;
const char* saga_service_name(SagaService service);

// The known-bug switches of the saga services (all off: the correct system).
struct SagaBugs {
  bool no_inbox_dedup = false;
  bool publish_outside_txn = false;
  bool compensate_unchecked = false;
  bool refund_without_key = false;
};
// Sets the switch named `name` (the `bug` system option). Returns "" or what was expected.
std::string parse_saga_bug(const std::string& name, SagaBugs* bugs);

// Orchestrator timing a scenario may tune; 0 keeps saga::OrchestratorOptions' default. Real
// servers under kill -9 and a loaded machine need longer windows than the simulation's 1 s.
struct SagaTuning {
  std::int64_t step_timeout_ns = 0;
  int max_forward_attempts = 0;
};
// Sets in `options` what `tuning` tunes (its non-zero fields).
void apply_saga_tuning(const SagaTuning& tuning, saga::OrchestratorOptions* options);
// The bounds every place that accepts them checks (system options, workload options, serve).
constexpr std::int64_t kMinStepTimeoutMs = 50, kMaxStepTimeoutMs = 600000;
constexpr std::int64_t kMaxForwardAttempts = 100;

constexpr int kMaxSagaServiceStartAttempts = 1000;
constexpr std::int64_t kSagaServiceStartRetryNs = 100 * io::kNsPerMs;

// One incarnation of one service on `env`: construct, then run() (init + recovery + fibers)
// with bounded retries while its stores are unreachable. The host keeps it alive.
class SagaServiceHost {
 public:
  SagaServiceHost(SagaService service, io::Env& env, const SagaBugs& bugs = {},
                  const SagaTuning& tuning = {});
  ~SagaServiceHost();
  SagaServiceHost(const SagaServiceHost&) = delete;
  SagaServiceHost& operator=(const SagaServiceHost&) = delete;

  // Blocks (bounded) until run() succeeded. Returns the last status.
  io::Status start();
  // Non-null for the orchestrator.
  saga::Orchestrator* orchestrator();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The orchestrator's RPC handler (POST /sagas, GET /sagas/<id>), as SagaWorld serves it.
io::Handler saga_orchestrator_handler(saga::Orchestrator* orchestrator);

// Registers the "saga" system.
void register_saga_system();
// Registers the "saga-orders" workload (scenarios/saga_orders_workload.cc).
void register_saga_orders_workload();

}  // namespace fl::compose
