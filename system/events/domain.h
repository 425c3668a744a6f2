// The event store's aggregates (the seeds' orders and accounts): which commands exist, what
// events a command produces from an aggregate's current state, and how events fold into state.
// Pure functions, no IO: the store (store.h) runs them inside its transactions, the checks fold
// the final log with the very same apply_event(), and the model tests drive them directly.
//
// Accounts: CreateAccount {owner, initial_balance} -> AccountCreated {owner} (+ Deposited
// {amount} when initial_balance > 0); Deposit {amount} -> Deposited; Withdraw {amount} ->
// Withdrawn, refused when the balance is smaller (the balance never goes negative).
// Orders: CreateOrder {customer_id, amount} -> OrderCreated; AddItems {items: [{sku, quantity,
// price}]} -> one ItemAdded per item (so one command may append several events); ConfirmOrder
// -> OrderConfirmed (needs an item); ShipOrder -> OrderShipped (needs confirmed); CancelOrder
// {reason?} -> OrderCancelled (not once shipped or cancelled).
//
// State is JSON with sorted keys (nlohmann's std::map objects), so equal states dump equally:
//   account {"balance": n, "kind": "account", "owner": s}
//   order   {"amount": n, "customer_id": s, "items": [{sku, quantity, price}], "items_total": n,
//            "kind": "order", "status": "created|confirmed|shipped|cancelled"}
// null is the state of an aggregate with no events.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fl::events {

using Json = nlohmann::json;

constexpr std::int64_t kMaxAmount = 1'000'000'000;
constexpr std::int64_t kMaxQuantity = 1000;
constexpr std::size_t kMaxItemsPerCommand = 5;
constexpr std::size_t kMaxEventsPerCommand = kMaxItemsPerCommand;
constexpr std::size_t kMaxItemsPerOrder = 200;
constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxEventDataBytes = 4096;

// An event a command decided to append (before it has a version or a position).
struct NewEvent {
  std::string type;
  Json data;  // an object
};

// What a command does to an aggregate's state: events to append, or a refusal in words (a
// business rule: insufficient funds, an order already shipped, ...).
struct Decision {
  std::vector<NewEvent> events;
  std::string refusal;  // non-empty: refused, no events
};

// The command types, and the aggregate kind ("account" | "order") each one addresses; "" when
// unknown.
const std::vector<std::string>& command_types();
std::string aggregate_kind_of_command(const std::string& command_type);

// Checks a command's data (an object) against its type's fields: "" or the problem in words.
std::string validate_command(const std::string& command_type, const Json& data);

// Decides the command on `state` (null: the aggregate has no events).
// REQUIRES: validate_command(command_type, data) == "".
Decision decide(const std::string& command_type, const Json& state, const Json& data);

// Folds one event into state. nullopt when the event does not fit the state (an unknown type,
// missing fields, an event for another kind of aggregate): the log is corrupt.
std::optional<Json> apply_event(const Json& state, const std::string& event_type, const Json& data);

// Folds events (type, data) from `state` in order; nullopt at the first that does not fit.
struct EventData {
  std::string type;
  Json data;
};
std::optional<Json> fold(Json state, const std::vector<EventData>& events);

// The balance of an account state (0 for null or an order).
std::int64_t balance_of(const Json& state);

}  // namespace fl::events
