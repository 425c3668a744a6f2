// The saga-orders checker: judges a run from what the clients saw and the final state of the
// services' stores (read after the heal phase). Pure: no IO.
//
// Invariants (each violation is one problem, in words):
//  - every saga ended completed or compensated (failed = stuck for an operator; running or
//    compensating after the heal = not live);
//  - every start the client saw acknowledged exists; a start refused definitely does not;
//  - stock is conserved per sku: initial = available + reserved + confirmed, reserved +
//    confirmed = the quantities of held/confirmed reservations, and exactly the completed orders
//    hold stock (each its own quantity);
//  - money: each completed order was charged exactly once (one +amount ledger entry, net =
//    amount); each compensated order nets zero; no money moved for an order without a saga;
//  - notifications: at most one per (order, event); exactly one for a completed order, none for
//    a compensated one;
//  - reads: what GET /api/v1/sagas/{id} answered after the heal (through the orchestrator's
//    Redis cache where it has the saga) is the saga's final state in the store: same status and
//    version, and 404 only for a saga the store does not have.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compose/saga/final_state.h"

namespace fl::compose {

struct SagaClientRecord {
  enum class Outcome : std::uint8_t { kAcknowledged, kRefused, kUnknown };
  std::string idempotency_key;
  std::string order_id;
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t amount_cents = 0;
  // kRefused only if every attempt was refused definitely.
  Outcome outcome = Outcome::kUnknown;
  std::string saga_id;   // when acknowledged
  std::string attempts;  // what each attempt returned, for the problem report
};

// What GET /api/v1/sagas/{id} answered after the heal: 200 with a status and version, or 404.
struct SagaApiRead {
  int http_status = 0;
  std::string status;
  std::int64_t version = 0;
};

struct SagaCheckInput {
  std::map<std::string, std::int64_t> initial_stock;
  std::vector<SagaClientRecord> records;
  SagaFinalState final_state;
  std::map<std::string, SagaApiRead> api_reads;  // by saga id; reads that failed are left out
};

constexpr std::size_t kMaxSagaProblems = 50;

std::vector<std::string> check_saga_orders(const SagaCheckInput& input);

}  // namespace fl::compose
