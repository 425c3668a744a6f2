// The final state of the saga system, read straight from its services' stores (as an operator
// would with psql): what the saga-orders checker (check.h) judges after a run, and what tests
// inspect. The one place this state is read.
#pragma once

#include <cstddef>
#include <vector>

#include "system/inventory/inventory_service.h"
#include "system/io/env.h"
#include "system/notification/notification_service.h"
#include "system/payment/payment_service.h"
#include "system/saga/orchestrator.h"

namespace fl::compose {

struct SagaFinalState {
  std::vector<saga::SagaView> sagas;
  std::vector<inventory::Item> items;
  std::vector<inventory::Reservation> reservations;
  std::vector<payment::LedgerEntry> ledger;
  std::vector<notification::Notification> notifications;
};

constexpr std::size_t kMaxFinalRows = 10000;

// Reads everything in one attempt (sagas up to saga::kMaxListSagas, other tables up to
// kMaxFinalRows rows). REQUIRES: env.sql. Any store error is returned as it came.
io::Result<SagaFinalState> read_saga_final_state(io::Env& env);

// The sagas not in a final state (saga::is_final): still running or compensating.
std::size_t unfinished_sagas(const SagaFinalState& state);

}  // namespace fl::compose
