// The saga composition: the seeds' order sagas as a system of four services (the orchestrator on
// 8080, inventory 8081, payment 8082, notification 8083), its harness system "saga", its
// workload "saga-orders" and its checker (check.h).
//
// System options (a scenario's topology.system_options; defaults in brackets):
//   step_timeout_ms [1000], forward_attempts [3]  the orchestrator's per-step timeout before a
//       resend and the attempts of a compensable step (flags --step-timeout-ms,
//       --forward-attempts or SAGA_STEP_TIMEOUT_MS, SAGA_FORWARD_ATTEMPTS of `faultline serve`)
//   bug ["none"]  a known-bug switch, simulation only (docs/known-bugs.md): "no-inbox-dedup",
//       "outbox-outside-txn", "compensate-unchecked" (orchestrator), "refund-without-key"
//       (payment)
// The system needs PostgreSQL, Redis and Kafka in the topology.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "compose/timeline.h"

namespace fl::saga {
struct SagaView;
}

namespace fl::compose {

// The saga's service names for `faultline serve`, in port order (8080..8083).
inline const std::vector<std::string> kSagaServices = {"saga", "inventory", "payment",
                                                       "notification"};

// Registers the saga's services, the harness system "saga" and the workload "saga-orders".
void register_saga();

// Defined in services.cc, system.cc and workload.cc; called by register_saga() only.
void register_saga_services();
void register_saga_system();
void register_saga_orders_workload();

// The saga's lanes in the run report (lanes.cc): one lane per saga in group "sagas", a bar per
// step run or compensated (outcome ok, fail, unknown, compensated), a marker where it ended, and
// keys "<saga id>" and "order <order id>" linking it to the checker's problems. The returned
// function is the orchestrator's OrchestratorOptions::on_committed; the harness gives `log` the
// history's clock. The system passes `log` to the orchestrator's node as NodePlan::run_state.
std::function<void(const saga::SagaView&)> saga_lane_recorder(std::shared_ptr<TimelineLog> log);

}  // namespace fl::compose
