#include "system/saga/messages.h"

#include <nlohmann/json.hpp>

namespace fl::saga {
namespace {

using nlohmann::json;

io::Status bad(const std::string& what) {
  return io::Status::failed(io::ErrorKind::kInvalidArgument, what);
}

std::optional<Direction> direction_from(const std::string& text) {
  if (text == "fwd") return Direction::kForward;
  if (text == "comp") return Direction::kCompensate;
  return std::nullopt;
}

// Reads the common fields; false if any is missing or of the wrong type.
bool read_common(const json& j, std::string* saga_id, int* step, Direction* direction,
                 std::string* key) {
  if (!j.is_object() || !j.contains("saga_id") || !j["saga_id"].is_string()) return false;
  if (!j.contains("step") || !j["step"].is_number_integer()) return false;
  if (!j.contains("dir") || !j["dir"].is_string()) return false;
  if (!j.contains("key") || !j["key"].is_string()) return false;
  auto dir = direction_from(j["dir"].get<std::string>());
  if (!dir) return false;
  *saga_id = j["saga_id"].get<std::string>();
  *step = j["step"].get<int>();
  *direction = *dir;
  *key = j["key"].get<std::string>();
  return *step >= 0 && !saga_id->empty() && !key->empty();
}

std::string str(const json& j, const char* name) {
  return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
}

std::int64_t num(const json& j, const char* name) {
  return j.contains(name) && j[name].is_number_integer() ? j[name].get<std::int64_t>() : 0;
}

}  // namespace

const char* to_string(Direction direction) {
  return direction == Direction::kForward ? "fwd" : "comp";
}

std::string idempotency_key(const std::string& saga_id, const std::string& step_name,
                            Direction direction) {
  FL_ASSERT(!saga_id.empty() && !step_name.empty());
  return saga_id + "/" + step_name + "/" + to_string(direction);
}

std::string encode(const Command& c) {
  FL_ASSERT(!c.saga_id.empty() && !c.idempotency_key.empty() && !c.action.empty());
  json j = {{"saga_id", c.saga_id},
            {"step", c.step},
            {"dir", to_string(c.direction)},
            {"key", c.idempotency_key},
            {"action", c.action},
            {"order_id", c.order_id},
            {"sku", c.sku},
            {"quantity", c.quantity},
            {"reservation_id", c.reservation_id},
            {"amount_cents", c.amount_cents},
            {"charge_key", c.charge_key},
            {"card", c.card},
            {"event", c.event},
            {"user_id", c.user_id}};
  return j.dump();
}

std::string encode(const Reply& r) {
  FL_ASSERT(!r.saga_id.empty() && !r.idempotency_key.empty());
  json j = {{"saga_id", r.saga_id},     {"step", r.step}, {"dir", to_string(r.direction)},
            {"key", r.idempotency_key}, {"ok", r.ok},     {"reason", r.reason}};
  return j.dump();
}

io::Result<Command> decode_command(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  Command c;
  if (j.is_discarded() || !read_common(j, &c.saga_id, &c.step, &c.direction, &c.idempotency_key))
    return bad("malformed command: " + text.substr(0, 200));
  c.action = str(j, "action");
  if (c.action.empty()) return bad("command without an action");
  c.order_id = str(j, "order_id");
  c.sku = str(j, "sku");
  c.quantity = num(j, "quantity");
  c.reservation_id = str(j, "reservation_id");
  c.amount_cents = num(j, "amount_cents");
  c.charge_key = str(j, "charge_key");
  c.card = str(j, "card");
  c.event = str(j, "event");
  c.user_id = str(j, "user_id");
  return c;
}

io::Result<Reply> decode_reply(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  Reply r;
  if (j.is_discarded() || !read_common(j, &r.saga_id, &r.step, &r.direction, &r.idempotency_key))
    return bad("malformed reply: " + text.substr(0, 200));
  if (!j.contains("ok") || !j["ok"].is_boolean()) return bad("reply without ok");
  r.ok = j["ok"].get<bool>();
  r.reason = str(j, "reason");
  return r;
}

}  // namespace fl::saga
