// Reading the saga system's final state (final_state.h).
#include "compose/saga/final_state.h"

namespace fl::compose {

io::Result<SagaFinalState> read_saga_final_state(io::Env& env) {
  FL_ASSERT(env.sql != nullptr);
  saga::Orchestrator orchestrator(env);
  inventory::InventoryService inventory(env);
  payment::PaymentService payment(env);
  notification::NotificationService notification(env);
  SagaFinalState out;
  std::vector<saga::SagaView> sagas;
  saga::SagaQuery query;
  for (std::size_t page = 0; page < kMaxFinalRows / saga::kMaxListSagas + 1; ++page) {
    auto got = orchestrator.list(query);
    if (!got.is_ok()) return got.status();
    for (auto& v : got.value().sagas) sagas.push_back(std::move(v));
    if (got.value().next.empty()) break;
    query.after = got.value().next;
  }
  auto items = inventory.list_items(inventory::kMaxListItems);
  if (!items.is_ok()) return items.status();
  auto reservations = inventory.list_reservations(kMaxFinalRows);
  if (!reservations.is_ok()) return reservations.status();
  auto ledger = payment.list_ledger(kMaxFinalRows);
  if (!ledger.is_ok()) return ledger.status();
  auto sent = notification.list("", kMaxFinalRows);
  if (!sent.is_ok()) return sent.status();
  out.sagas = std::move(sagas);
  out.items = std::move(items.value());
  out.reservations = std::move(reservations.value());
  out.ledger = std::move(ledger.value());
  out.notifications = std::move(sent.value());
  return out;
}

std::size_t unfinished_sagas(const SagaFinalState& state) {
  std::size_t n = 0;
  for (const auto& v : state.sagas) n += saga::is_final(v.status) ? 0 : 1;
  return n;
}

}  // namespace fl::compose
