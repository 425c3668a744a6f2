#include "system/saga/definition.h"

#include <nlohmann/json.hpp>

namespace fl::saga {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxFieldBytes = 200;
constexpr std::int64_t kMaxOrderQuantity = 1'000'000;  // as inventory::kMaxQuantity
constexpr std::int64_t kMaxOrderAmountCents = 1'000'000'000;

io::Status bad(const std::string& what) {
  return io::Status::failed(io::ErrorKind::kInvalidArgument, what);
}

// Reads an optional string field; false (with *error set) if present with another type.
bool read_text(const json& j, const char* name, std::string* out, std::string* error) {
  if (!j.contains(name)) return true;
  if (j[name].is_number_integer()) {  // {"order_id": 123} is accepted as "123"
    *out = std::to_string(j[name].get<std::int64_t>());
    return true;
  }
  if (!j[name].is_string() || j[name].get<std::string>().size() > kMaxFieldBytes) {
    *error = std::string("data.") + name + ": expected a string of at most 200 bytes";
    return false;
  }
  *out = j[name].get<std::string>();
  return true;
}

bool read_int(const json& j, const char* name, std::int64_t lo, std::int64_t hi, std::int64_t* out,
              std::string* error) {
  if (!j.contains(name)) return true;
  if (!j[name].is_number_integer() || j[name].get<std::int64_t>() < lo ||
      j[name].get<std::int64_t>() > hi) {
    *error = std::string("data.") + name + ": expected an integer in " + std::to_string(lo) + ".." +
             std::to_string(hi);
    return false;
  }
  *out = j[name].get<std::int64_t>();
  return true;
}

SagaDefinition make_order_processing() {
  return SagaDefinition("order_processing",
                        {{"reserve_inventory", kInventoryCommands, "reserve", "release"},
                         {"charge_payment", kPaymentCommands, "charge", "refund"},
                         {"send_notification", kNotificationCommands, "notify", ""}});
}

}  // namespace

SagaDefinition::SagaDefinition(std::string type, std::vector<StepSpec> steps)
    : type_(std::move(type)), steps_(std::move(steps)) {
  FL_ASSERT(!type_.empty());
  FL_ASSERT(!steps_.empty() && steps_.size() <= kMaxSagaSteps);
  // Once a step cannot be undone, no later step may be undoable (the pivot rule).
  bool after_pivot = false;
  for (const auto& step : steps_) {
    FL_ASSERT(!step.name.empty() && !step.topic.empty() && !step.forward_action.empty());
    FL_ASSERT(!(after_pivot && step.compensable()));
    if (!step.compensable()) after_pivot = true;
  }
}

io::Result<OrderData> parse_order_data(const std::string& data_json) {
  if (data_json.size() > kMaxSagaDataBytes) return bad("data: larger than 16384 bytes");
  json j = json::parse(data_json.empty() ? std::string("{}") : data_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("data: expected a JSON object");
  OrderData d;
  std::string error;
  bool ok = read_text(j, "order_id", &d.order_id, &error) &&
            read_text(j, "user_id", &d.user_id, &error) && read_text(j, "sku", &d.sku, &error) &&
            read_text(j, "card", &d.card, &error) &&
            read_int(j, "quantity", 1, kMaxOrderQuantity, &d.quantity, &error) &&
            read_int(j, "amount_cents", 0, kMaxOrderAmountCents, &d.amount_cents, &error);
  if (!ok) return bad(error);
  return d;
}

std::string SagaDefinition::validate(const std::string& data_json) const {
  auto parsed = parse_order_data(data_json);
  return parsed.is_ok() ? std::string() : parsed.status().message();
}

Command SagaDefinition::command(const std::string& saga_id, const std::string& data_json, int step,
                                Direction direction) const {
  FL_ASSERT(step >= 0 && step < step_count());
  const StepSpec& spec = steps_[static_cast<std::size_t>(step)];
  FL_ASSERT(direction == Direction::kForward || spec.compensable());
  auto parsed = parse_order_data(data_json);
  FL_ASSERT_MSG(parsed.is_ok(), parsed.status().to_string());
  const OrderData& d = parsed.value();
  Command c;
  c.saga_id = saga_id;
  c.step = step;
  c.direction = direction;
  c.idempotency_key = idempotency_key(saga_id, spec.name, direction);
  c.action = direction == Direction::kForward ? spec.forward_action : spec.compensate_action;
  c.order_id = d.order_id.empty() ? saga_id : d.order_id;
  c.user_id = d.user_id;
  c.sku = d.sku;
  c.quantity = d.quantity;
  c.amount_cents = d.amount_cents;
  c.card = d.card;
  // Both directions of a step name the same underlying object: the reservation and the charge
  // are identified by the forward key, so a compensation finds (or tombstones) it.
  c.reservation_id = idempotency_key(saga_id, spec.name, Direction::kForward);
  c.charge_key = c.reservation_id;
  c.event = "order_confirmed";
  return c;
}

const SagaDefinition* find_definition(const std::string& type) {
  static const SagaDefinition kOrderProcessing = make_order_processing();
  if (type == kOrderProcessing.type()) return &kOrderProcessing;
  return nullptr;
}

std::vector<std::string> definition_types() { return {"order_processing"}; }

}  // namespace fl::saga
