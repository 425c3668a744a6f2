#include "compose/saga/check.h"

#include <nlohmann/json.hpp>
#include <set>

namespace fl::compose {
namespace {

struct Problems {
  std::vector<std::string> list;
  void add(std::string text) {
    if (list.size() < kMaxSagaProblems) list.push_back(std::move(text));
  }
};

std::string order_of(const saga::SagaView& s) {
  auto data = nlohmann::json::parse(s.data_json, nullptr, false);
  if (data.is_object() && data.contains("order_id") && data["order_id"].is_string()) {
    return data["order_id"].get<std::string>();
  }
  return s.saga_id;
}

void check_sagas(const SagaCheckInput& in, Problems* p) {
  std::set<std::string> ids, keys;
  for (const auto& s : in.final_state.sagas) {
    ids.insert(s.saga_id);
    keys.insert(s.idempotency_key);
    if (s.status != saga::SagaStatus::kCompleted && s.status != saga::SagaStatus::kCompensated) {
      p->add("saga " + s.saga_id + " ended " + to_string(s.status) + " at step " +
             std::to_string(s.current_step) + ": " + s.error);
    }
  }
  for (const auto& r : in.records) {
    if (r.outcome == SagaClientRecord::Outcome::kAcknowledged && !ids.count(r.saga_id)) {
      p->add("acknowledged saga " + r.saga_id + " (" + r.idempotency_key + ") does not exist");
    }
    if (r.outcome == SagaClientRecord::Outcome::kRefused && keys.count(r.idempotency_key)) {
      p->add("start " + r.idempotency_key + " was refused, but its saga exists: " + r.attempts);
    }
  }
}

void check_stock(const SagaCheckInput& in,
                 const std::map<std::string, const saga::SagaView*>& by_reservation, Problems* p) {
  std::map<std::string, std::int64_t> held;  // sku -> held/confirmed quantity
  for (const auto& r : in.final_state.reservations) {
    const bool holds = r.state == inventory::ReservationState::kHeld ||
                       r.state == inventory::ReservationState::kConfirmed;
    auto it = by_reservation.find(r.reservation_id);
    const bool completed =
        it != by_reservation.end() && it->second->status == saga::SagaStatus::kCompleted;
    if (holds) held[r.sku] += r.quantity;
    if (holds && !completed) {
      p->add("reservation " + r.reservation_id + " holds " + std::to_string(r.quantity) + " of " +
             r.sku + " but its saga did not complete");
    }
    if (!holds && completed) {
      p->add("completed saga's reservation " + r.reservation_id + " is " + to_string(r.state));
    }
  }
  std::map<std::string, const inventory::Item*> items;
  for (const auto& item : in.final_state.items) items[item.sku] = &item;
  for (const auto& [sku, initial] : in.initial_stock) {
    auto it = items.find(sku);
    if (it == items.end()) {
      p->add("item " + sku + " is missing");
      continue;
    }
    const inventory::Item& item = *it->second;
    if (item.available + item.reserved + item.confirmed != initial) {
      p->add("stock of " + sku + " not conserved: initial " + std::to_string(initial) +
             " != available " + std::to_string(item.available) + " + reserved " +
             std::to_string(item.reserved) + " + confirmed " + std::to_string(item.confirmed));
    }
    if (item.reserved + item.confirmed != held[sku]) {
      p->add("stock of " + sku + ": reserved+confirmed " +
             std::to_string(item.reserved + item.confirmed) + " != held by reservations " +
             std::to_string(held[sku]));
    }
  }
}

void check_money_and_notes(const SagaCheckInput& in, Problems* p) {
  std::map<std::string, const saga::SagaView*> by_order;
  for (const auto& s : in.final_state.sagas) by_order[order_of(s)] = &s;
  std::map<std::string, std::pair<int, std::int64_t>> charged;  // order -> (+entries, net)
  for (const auto& e : in.final_state.ledger) {
    auto& c = charged[e.order_id];
    if (e.amount_cents > 0) ++c.first;
    c.second += e.amount_cents;
  }
  std::map<std::pair<std::string, std::string>, int> notes;
  for (const auto& n : in.final_state.notifications) ++notes[{n.order_id, n.event}];
  for (const auto& [key, count] : notes) {
    if (count > 1) p->add("order " + key.first + " notified " + std::to_string(count) + " times");
  }
  for (const auto& [order, c] : charged) {
    auto it = by_order.find(order);
    if (it == by_order.end() && c.second != 0) {
      p->add("order " + order + " without a saga nets " + std::to_string(c.second));
    }
  }
  for (const auto& [order, s] : by_order) {
    const auto c = charged.count(order) ? charged.at(order) : std::pair<int, std::int64_t>{0, 0};
    const int sent =
        notes.count({order, "order_confirmed"}) ? notes.at({order, "order_confirmed"}) : 0;
    if (s->status == saga::SagaStatus::kCompleted) {
      auto data = saga::parse_order_data(s->data_json);
      const std::int64_t amount = data.is_ok() ? data.value().amount_cents : -1;
      if (c.first != 1 || c.second != amount) {
        p->add("completed order " + order + " charged " + std::to_string(c.first) + " times, net " +
               std::to_string(c.second) + ", expected once " + std::to_string(amount));
      }
      if (sent != 1)
        p->add("completed order " + order + " notified " + std::to_string(sent) + " times");
    }
    if (s->status == saga::SagaStatus::kCompensated) {
      if (c.second != 0) p->add("compensated order " + order + " nets " + std::to_string(c.second));
      if (sent != 0) p->add("compensated order " + order + " was notified");
    }
  }
}

void check_api_reads(const SagaCheckInput& in, Problems* p) {
  std::map<std::string, const saga::SagaView*> by_id;
  for (const auto& s : in.final_state.sagas) by_id[s.saga_id] = &s;
  for (const auto& [id, read] : in.api_reads) {
    auto it = by_id.find(id);
    const std::string said = read.http_status == 200
                                 ? read.status + " (version " + std::to_string(read.version) + ")"
                                 : "HTTP " + std::to_string(read.http_status);
    if (it == by_id.end()) {
      if (read.http_status != 404)
        p->add("GET of saga " + id + " says " + said + "; it does not exist");
      continue;
    }
    const saga::SagaView& s = *it->second;
    if (read.http_status != 200 || read.status != to_string(s.status) ||
        read.version != s.version) {
      p->add("GET of saga " + id + " says " + said + "; the store says " + to_string(s.status) +
             " (version " + std::to_string(s.version) + ")");
    }
  }
}

}  // namespace

std::vector<std::string> check_saga_orders(const SagaCheckInput& in) {
  Problems p;
  check_sagas(in, &p);
  std::map<std::string, const saga::SagaView*> by_reservation;
  for (const auto& s : in.final_state.sagas) {
    by_reservation[saga::idempotency_key(s.saga_id, "reserve_inventory",
                                         saga::Direction::kForward)] = &s;
  }
  check_stock(in, by_reservation, &p);
  check_money_and_notes(in, &p);
  check_api_reads(in, &p);
  return p.list;
}

}  // namespace fl::compose
