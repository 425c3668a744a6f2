// Proves the event store's aggregates (system/events/domain.h): the seeds' commands decide the
// events they should, business rules refuse what they should, malformed data is refused with a
// message, and three properties hold for random command sequences (RapidCheck): an account's
// balance never goes negative when every command is decided on the current state; folding all
// events at once equals folding them one by one; and a snapshot taken anywhere (written as JSON
// text and read back, as the store does) plus the tail folds to the same state as a full replay.
#include "system/events/domain.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace fl::events {
namespace {

Json state_after(const std::vector<std::pair<std::string, Json>>& commands) {
  Json state;
  for (const auto& [type, data] : commands) {
    EXPECT_EQ(validate_command(type, data), "") << type;
    const Decision d = decide(type, state, data);
    for (const auto& e : d.events) state = *apply_event(state, e.type, e.data);
  }
  return state;
}

TEST(EventsDomain, SeedsAccountExample) {
  const Decision create =
      decide("CreateAccount", Json(), {{"owner", "John Doe"}, {"initial_balance", 1000}});
  ASSERT_EQ(create.events.size(), 2u);
  EXPECT_EQ(create.events[0].type, "AccountCreated");
  EXPECT_EQ(create.events[1].type, "Deposited");
  const Json state =
      state_after({{"CreateAccount", {{"owner", "John Doe"}, {"initial_balance", 1000}}},
                   {"Withdraw", {{"amount", 200}}}});
  EXPECT_EQ(state, (Json{{"kind", "account"}, {"owner", "John Doe"}, {"balance", 800}}));
  EXPECT_EQ(balance_of(state), 800);
}

TEST(EventsDomain, WithdrawBeyondTheBalanceIsRefused) {
  const Json state = state_after({{"CreateAccount", {{"owner", "a"}, {"initial_balance", 50}}}});
  const Decision d = decide("Withdraw", state, {{"amount", 51}});
  EXPECT_TRUE(d.events.empty());
  EXPECT_NE(d.refusal.find("insufficient funds"), std::string::npos) << d.refusal;
  EXPECT_EQ(decide("Withdraw", state, {{"amount", 50}}).events.size(), 1u);
  EXPECT_FALSE(decide("Deposit", Json(), {{"amount", 5}}).refusal.empty());        // no account
  EXPECT_FALSE(decide("CreateAccount", state, {{"owner", "b"}}).refusal.empty());  // exists
}

TEST(EventsDomain, OrderLifecycle) {
  const Json created =
      state_after({{"CreateOrder", {{"customer_id", "cust-456"}, {"amount", 100}}}});
  EXPECT_EQ(created.value("status", ""), "created");
  EXPECT_FALSE(decide("ConfirmOrder", created, Json::object()).refusal.empty());  // no item
  const Json items = {{"items",
                       {{{"sku", "A"}, {"quantity", 2}, {"price", 7}},
                        {{"sku", "B"}, {"quantity", 1}, {"price", 5}}}}};
  const Decision add = decide("AddItems", created, items);
  ASSERT_EQ(add.events.size(), 2u);  // one event per item
  const Json shipped = state_after({{"CreateOrder", {{"customer_id", "c"}, {"amount", 1}}},
                                    {"AddItems", items},
                                    {"ConfirmOrder", Json::object()},
                                    {"ShipOrder", Json::object()}});
  EXPECT_EQ(shipped.value("status", ""), "shipped");
  EXPECT_EQ(shipped.value("items_total", 0), 19);
  const Decision cancel = decide("CancelOrder", shipped, Json::object());
  EXPECT_NE(cancel.refusal.find("(it is shipped)"), std::string::npos) << cancel.refusal;
  EXPECT_FALSE(decide("AddItems", shipped, items).refusal.empty());
}

TEST(EventsDomain, MalformedDataIsRefusedWithAMessage) {
  struct Case {
    std::string type;
    Json data;
    std::string says;
  };
  const Case cases[] = {
      {"CreateAccount", Json::object(), "missing field 'owner'"},
      {"CreateAccount", {{"owner", "x"}, {"initial_balance", -1}}, "initial_balance"},
      {"CreateAccount", {{"owner", "x"}, {"colour", "red"}}, "unknown field 'colour'"},
      {"Withdraw", {{"amount", 0}}, "amount"},
      {"Withdraw", {{"amount", "10"}}, "must be an integer"},
      {"Deposit", Json::array(), "must be an object"},
      {"AddItems", {{"items", Json::array()}}, "1..5 items"},
      {"AddItems", {{"items", {1}}}, "each item must be an object"},
      {"AddItems", {{"items", {{{"sku", "a"}, {"quantity", 0}, {"price", 1}}}}}, "quantity"},
      {"AddItems", {{"items", Json::array()}, {"x", 1}}, "items"},
      {"ConfirmOrder", {{"now", true}}, "unknown field 'now'"},
      {"Transfer", Json::object(), "unknown command_type"},
  };
  for (const auto& c : cases) {
    const std::string got = validate_command(c.type, c.data);
    EXPECT_NE(got.find(c.says), std::string::npos) << c.type << " " << c.data << ": " << got;
  }
}

TEST(EventsDomain, EventsThatDoNotFitAreReported) {
  EXPECT_FALSE(apply_event(Json(), "Deposited", {{"amount", 5}}));  // no account
  EXPECT_FALSE(apply_event(Json(), "Unknown", Json::object()));
  const Json account = *apply_event(Json(), "AccountCreated", {{"owner", "o"}});
  EXPECT_FALSE(apply_event(account, "AccountCreated", {{"owner", "o"}}));  // twice
  EXPECT_FALSE(apply_event(account, "ItemAdded", {{"quantity", 1}, {"price", 1}}));
  EXPECT_FALSE(apply_event(account, "Withdrawn", {{"amount", "x"}}));
}

// A random account command (shape-valid), drawn with RapidCheck.
std::pair<std::string, Json> gen_account_command() {
  const int kind = *rc::gen::inRange(0, 4);
  const std::int64_t amount = *rc::gen::inRange<std::int64_t>(1, 200);
  if (kind == 0) return {"CreateAccount", {{"owner", "o"}, {"initial_balance", amount - 1}}};
  return {kind == 1 ? "Deposit" : "Withdraw", {{"amount", amount}}};
}

RC_GTEST_PROP(EventsDomainProperty, BalanceNeverNegativeAndFoldsAgree, ()) {
  const int n = *rc::gen::inRange(1, 60);
  Json state;
  std::vector<EventData> all;
  for (int i = 0; i < n; ++i) {
    const auto [type, data] = gen_account_command();
    RC_ASSERT(validate_command(type, data).empty());
    const Decision d = decide(type, state, data);
    RC_ASSERT(d.refusal.empty() != d.events.empty());
    for (const auto& e : d.events) {
      state = *apply_event(state, e.type, e.data);
      all.push_back({e.type, e.data});
      RC_ASSERT(balance_of(state) >= 0);
    }
  }
  RC_ASSERT(fold(Json(), all) == state);
  // Snapshot anywhere: the state after k events, through JSON text, then the tail.
  const auto k = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, all.size() + 1));
  const std::vector<EventData> head(all.begin(), all.begin() + static_cast<long>(k));
  const std::vector<EventData> tail(all.begin() + static_cast<long>(k), all.end());
  const Json snapshot = Json::parse(fold(Json(), head)->dump());
  RC_ASSERT(fold(snapshot, tail) == state);
}

RC_GTEST_PROP(EventsDomainProperty, OrderSnapshotsEqualReplay, ()) {
  const int n = *rc::gen::inRange(1, 40);
  Json state;
  std::vector<EventData> all;
  const char* types[] = {"CreateOrder", "AddItems", "ConfirmOrder", "ShipOrder", "CancelOrder"};
  for (int i = 0; i < n; ++i) {
    const std::string type = types[*rc::gen::inRange(0, 5)];
    Json data = Json::object();
    if (type == "CreateOrder") data = {{"customer_id", "c"}, {"amount", *rc::gen::inRange(0, 99)}};
    if (type == "AddItems") {
      data = {{"items", Json::array()}};
      for (int k = *rc::gen::inRange(1, 6); k > 0; --k) {
        data["items"].push_back({{"sku", "S"},
                                 {"quantity", *rc::gen::inRange(1, 9)},
                                 {"price", *rc::gen::inRange(0, 99)}});
      }
    }
    RC_ASSERT(validate_command(type, data).empty());
    for (const auto& e : decide(type, state, data).events) {
      state = *apply_event(state, e.type, e.data);
      all.push_back({e.type, e.data});
    }
  }
  const auto k = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, all.size() + 1));
  const Json snapshot =
      Json::parse(fold(Json(), {all.begin(), all.begin() + static_cast<long>(k)})->dump());
  RC_ASSERT(fold(snapshot, {all.begin() + static_cast<long>(k), all.end()}) == state);
}

}  // namespace
}  // namespace fl::events
