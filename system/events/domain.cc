// The aggregates' commands and events (domain.h).
#include "system/events/domain.h"

#include "system/api/json_body.h"
#include "system/io/assert.h"

namespace fl::events {
namespace {

// Reads the declared fields of `data`; "" or the first problem (undeclared fields included).
template <typename F>
std::string read_fields(const Json& data, F&& read) {
  if (!data.is_object()) return "field 'data' must be an object";
  api::FieldReader r(data, "data");
  read(r);
  r.no_other_fields();
  return r.error();
}

std::string validate_items(const Json& data) {
  const auto it = data.find("items");
  if (it == data.end() || !it->is_array()) return "field 'items' in data must be an array";
  if (it->empty() || it->size() > kMaxItemsPerCommand) {
    return "field 'items' in data must hold 1.." + std::to_string(kMaxItemsPerCommand) + " items";
  }
  for (const Json& item : *it) {  // bounded by kMaxItemsPerCommand
    if (!item.is_object()) return "each item must be an object";
    api::FieldReader r(item, "item");
    r.text("sku", api::kMaxIdBytes);
    r.integer("quantity", 1, kMaxQuantity);
    r.integer("price", 0, kMaxAmount);
    r.no_other_fields();
    if (!r.ok()) return r.error();
  }
  for (auto field = data.begin(); field != data.end(); ++field) {
    if (field.key() != "items") return "unknown field '" + field.key() + "' in data";
  }
  return "";
}

bool is_kind(const Json& state, const char* kind) {
  return state.is_object() && state.value("kind", "") == kind;
}

Decision refuse(std::string why) { return Decision{{}, std::move(why)}; }
Decision emit(std::vector<NewEvent> events) { return Decision{std::move(events), ""}; }

Decision decide_account(const std::string& type, const Json& state, const Json& data) {
  if (type == "CreateAccount") {
    if (!state.is_null()) return refuse("aggregate already exists");
    std::vector<NewEvent> out = {{"AccountCreated", {{"owner", data.at("owner")}}}};
    const std::int64_t initial = data.value("initial_balance", std::int64_t{0});
    if (initial > 0) out.push_back({"Deposited", {{"amount", initial}}});
    return emit(std::move(out));
  }
  if (!is_kind(state, "account")) return refuse("no account with this id");
  const std::int64_t amount = data.at("amount").get<std::int64_t>();
  if (type == "Deposit") {
    if (balance_of(state) > kMaxAmount * 1000) return refuse("balance limit reached");
    return emit({{"Deposited", {{"amount", amount}}}});
  }
  FL_ASSERT_EQ(type, "Withdraw");
  if (balance_of(state) < amount) {
    return refuse("insufficient funds: balance " + std::to_string(balance_of(state)) +
                  ", withdrawal " + std::to_string(amount));
  }
  return emit({{"Withdrawn", {{"amount", amount}}}});
}

Decision decide_order(const std::string& type, const Json& state, const Json& data) {
  if (type == "CreateOrder") {
    if (!state.is_null()) return refuse("aggregate already exists");
    return emit({{"OrderCreated",
                  {{"customer_id", data.at("customer_id")}, {"amount", data.at("amount")}}}});
  }
  if (!is_kind(state, "order")) return refuse("no order with this id");
  const std::string status = state.value("status", "");
  const std::string now = " (it is " + status + ")";
  if (type == "AddItems") {
    if (status != "created") return refuse("items can only be added to a created order" + now);
    if (state.at("items").size() + data.at("items").size() > kMaxItemsPerOrder) {
      return refuse("an order holds at most " + std::to_string(kMaxItemsPerOrder) + " items");
    }
    std::vector<NewEvent> out;
    for (const Json& item : data.at("items")) out.push_back({"ItemAdded", item});
    return emit(std::move(out));
  }
  if (type == "ConfirmOrder") {
    if (status != "created") return refuse("only a created order can be confirmed" + now);
    if (state.at("items").empty()) return refuse("an order needs an item to be confirmed");
    return emit({{"OrderConfirmed", Json::object()}});
  }
  if (type == "ShipOrder") {
    if (status != "confirmed") return refuse("only a confirmed order can be shipped" + now);
    return emit({{"OrderShipped", Json::object()}});
  }
  FL_ASSERT_EQ(type, "CancelOrder");
  if (status != "created" && status != "confirmed") {
    return refuse("an order cannot be cancelled" + now);
  }
  return emit({{"OrderCancelled", {{"reason", data.value("reason", "")}}}});
}

std::optional<Json> apply_account(Json state, const std::string& type, const Json& data) {
  if (type == "AccountCreated") {
    if (!state.is_null() || !data.contains("owner") || !data["owner"].is_string()) return {};
    return Json{{"kind", "account"}, {"owner", data["owner"]}, {"balance", 0}};
  }
  if (!is_kind(state, "account") || !data.contains("amount") ||
      !data["amount"].is_number_integer()) {
    return {};
  }
  const std::int64_t amount = data["amount"].get<std::int64_t>();
  // Withdrawn is applied as recorded, even past zero: a fold must show what the log holds (a
  // negative balance is then the checks' evidence of a lost concurrency check).
  state["balance"] = balance_of(state) + (type == "Deposited" ? amount : -amount);
  return state;
}

std::optional<Json> apply_order(Json state, const std::string& type, const Json& data) {
  if (type == "OrderCreated") {
    if (!state.is_null()) return {};
    return Json{{"kind", "order"},
                {"customer_id", data.value("customer_id", "")},
                {"amount", data.value("amount", std::int64_t{0})},
                {"status", "created"},
                {"items", Json::array()},
                {"items_total", 0}};
  }
  if (!is_kind(state, "order")) return {};
  if (type == "ItemAdded") {
    const auto q = data.find("quantity"), p = data.find("price");
    if (q == data.end() || p == data.end() || !q->is_number_integer() || !p->is_number_integer()) {
      return {};
    }
    state["items"].push_back(data);
    state["items_total"] =
        state["items_total"].get<std::int64_t>() + q->get<std::int64_t>() * p->get<std::int64_t>();
    return state;
  }
  const char* status = type == "OrderConfirmed"   ? "confirmed"
                       : type == "OrderShipped"   ? "shipped"
                       : type == "OrderCancelled" ? "cancelled"
                                                  : nullptr;
  if (status == nullptr) return {};
  state["status"] = status;
  return state;
}

}  // namespace

const std::vector<std::string>& command_types() {
  static const std::vector<std::string> kTypes = {"CreateAccount", "Deposit",    "Withdraw",
                                                  "CreateOrder",   "AddItems",   "ConfirmOrder",
                                                  "ShipOrder",     "CancelOrder"};
  return kTypes;
}

std::string aggregate_kind_of_command(const std::string& t) {
  if (t == "CreateAccount" || t == "Deposit" || t == "Withdraw") return "account";
  if (t == "CreateOrder" || t == "AddItems" || t == "ConfirmOrder" || t == "ShipOrder" ||
      t == "CancelOrder") {
    return "order";
  }
  return "";
}

std::string validate_command(const std::string& t, const Json& data) {
  if (t == "CreateAccount") {
    return read_fields(data, [](api::FieldReader& r) {
      r.text("owner", kMaxNameBytes);
      r.integer("initial_balance", 0, kMaxAmount, /*required=*/false);
    });
  }
  if (t == "Deposit" || t == "Withdraw") {
    return read_fields(data, [](api::FieldReader& r) { r.integer("amount", 1, kMaxAmount); });
  }
  if (t == "CreateOrder") {
    return read_fields(data, [](api::FieldReader& r) {
      r.text("customer_id", api::kMaxIdBytes);
      r.integer("amount", 0, kMaxAmount);
    });
  }
  if (t == "AddItems")
    return data.is_object() ? validate_items(data) : "field 'data' must be an object";
  if (t == "ConfirmOrder" || t == "ShipOrder") return read_fields(data, [](api::FieldReader&) {});
  if (t == "CancelOrder") {
    return read_fields(
        data, [](api::FieldReader& r) { r.text("reason", kMaxNameBytes, /*required=*/false); });
  }
  return "unknown command_type '" + t + "'";
}

Decision decide(const std::string& t, const Json& state, const Json& data) {
  const std::string kind = aggregate_kind_of_command(t);
  FL_ASSERT_MSG(!kind.empty(), "unknown command type " << t);
  Decision d = kind == "account" ? decide_account(t, state, data) : decide_order(t, state, data);
  FL_ASSERT(d.refusal.empty() != d.events.empty());
  FL_ASSERT_LE(d.events.size(), kMaxEventsPerCommand);
  return d;
}

std::optional<Json> apply_event(const Json& state, const std::string& type, const Json& data) {
  if (!data.is_object()) return {};
  if (type == "AccountCreated" || type == "Deposited" || type == "Withdrawn") {
    return apply_account(state, type, data);
  }
  return apply_order(state, type, data);
}

std::optional<Json> fold(Json state, const std::vector<EventData>& events) {
  for (const auto& e : events) {  // bounded by the caller's page
    auto next = apply_event(state, e.type, e.data);
    if (!next) return {};
    state = std::move(*next);
  }
  return state;
}

std::int64_t balance_of(const Json& state) {
  if (!is_kind(state, "account")) return 0;
  const auto it = state.find("balance");
  return it != state.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace fl::events
