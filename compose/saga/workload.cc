// The `saga-orders` workload: clients start order sagas (order_processing: reserve -> charge ->
// notify) through the orchestrator's HTTP API, POST /api/v1/sagas at node "orchestrator" — the
// API production serves, reached over the simulated network in simulation and over HTTP in real
// mode. Each start op retries with the order's own idempotency key (bounded) and completes ok
// (acknowledged, value += saga id and HTTP status), fail (every attempt refused definitely) or
// info (unknown). After the heal phase the final op "check" waits (bounded) until no saga is
// unfinished, reads the final state from the services' stores (final_state.h), reads every
// acknowledged saga back through GET /api/v1/sagas/{id} (answered from Redis for finished sagas)
// and judges both with the saga-orders checker (check.h) against what the clients saw: ok iff there
// is no violation; otherwise fail with every violation in the op's error (a final op that never
// completes ok fails the run).
//
// Orders are drawn by the seed (sku, quantity 1..3, amount, one card in decline_one_in declined),
// or taken in turn from the `orders` option (a fixed list, e.g. for the crash-point enumeration).
#include "workloads/workload.h"

#include <nlohmann/json.hpp>

#include "compose/saga/check.h"
#include "compose/saga/final_state.h"
#include "compose/saga/saga.h"
#include "options/reader.h"
#include "system/inventory/inventory_service.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using nlohmann::json;
using workloads::Completion;
using workloads::Invocation;
using workloads::OptionSpec;

constexpr const char* kOrchestratorNode = "orchestrator";
constexpr const char* kStartPath = "/api/v1/sagas";
constexpr int kMaxStartAttempts = 5;
constexpr int kMaxReadAttempts = 3;
constexpr std::int64_t kStartBackoffNs = 300 * io::kNsPerMs;
constexpr std::int64_t kCallTimeoutNs = 2 * io::kNsPerSec;
constexpr std::int64_t kSettlePollNs = 500 * io::kNsPerMs;
constexpr std::size_t kMaxAttemptsText = 2000;
constexpr std::size_t kMaxOrders = 900;  // below saga::kMaxListSagas: the check reads them all

struct SagaOrdersState {
  int skus = 4;
  std::int64_t stock_per_sku = 60;
  int decline_one_in = 10;
  std::int64_t settle_ns = 60 * io::kNsPerSec;
  json fixed_orders = json::array();  // the `orders` option: taken in turn when non-empty
  std::int64_t next_order = 0;
  std::map<std::string, SagaClientRecord> records;  // by order id

  std::map<std::string, std::int64_t> initial_stock() const {
    std::map<std::string, std::int64_t> stock;
    for (int i = 0; i < skus; ++i) stock["SKU" + std::to_string(i)] = stock_per_sku;
    return stock;
  }
};

// One POST /api/v1/sagas. ok: the saga id; failed: definitely not started; indeterminate: unknown.
io::Result<std::string> start_once(io::Env& env, const json& body, int* http_status) {
  auto called = env.transport.call(kOrchestratorNode, {"POST", kStartPath, body.dump(), {}},
                                   env.clock.deadline_after_ns(kCallTimeoutNs));
  if (!called.is_ok()) return called.status();
  const int status = called.value().status;
  *http_status = status;
  json reply = json::parse(called.value().body, nullptr, false);
  // 201 created; 200 an earlier attempt with this key had created it.
  if ((status == 201 || status == 200) && reply.is_object() &&
      reply.value("saga_id", json()).is_string()) {
    return reply["saga_id"].get<std::string>();
  }
  // 4xx: refused as asked; 503: a store was unavailable before anything was written.
  if ((status >= 400 && status < 500) || status == 503) {
    return io::Status::failed(io::ErrorKind::kUnavailable, "refused: " + called.value().body);
  }
  return io::Status::indeterminate(io::ErrorKind::kInternal, "unknown: " + called.value().body);
}

Completion start_order(SagaOrdersState& st, io::Env& env, const json& order) {
  SagaClientRecord r;
  r.order_id = r.idempotency_key = order.at("order_id").get<std::string>();
  r.sku = order.at("sku").get<std::string>();
  r.quantity = order.at("quantity").get<std::int64_t>();
  r.amount_cents = order.at("amount_cents").get<std::int64_t>();
  json data = order;
  data.erase("request");
  data["user_id"] = "u" + r.order_id;
  const json body = {{"type", "order_processing"}, {"data", data}, {"idempotency_key", r.order_id}};
  bool all_refused = true;
  int http_status = 0;
  for (int attempt = 0; attempt < kMaxStartAttempts; ++attempt) {
    if (attempt > 0) env.clock.sleep_ns(kStartBackoffNs);
    auto started = start_once(env, body, &http_status);
    if (started.is_ok()) {
      r.outcome = SagaClientRecord::Outcome::kAcknowledged;
      r.saga_id = started.value();
      break;
    }
    if (!started.status().is_failed()) all_refused = false;
    if (r.attempts.size() < kMaxAttemptsText) {
      r.attempts += "[" + started.status().to_string() + "]";
    }
  }
  json value = order;
  if (http_status != 0) value["http_status"] = http_status;
  Completion done{history::OpType::kOk, value, ""};
  if (r.outcome == SagaClientRecord::Outcome::kAcknowledged) {
    done.value["saga_id"] = r.saga_id;
  } else {
    r.outcome =
        all_refused ? SagaClientRecord::Outcome::kRefused : SagaClientRecord::Outcome::kUnknown;
    done = {all_refused ? history::OpType::kFail : history::OpType::kInfo, value, r.attempts};
  }
  st.records[r.order_id] = r;
  return done;
}

json summarize(const SagaCheckInput& in) {
  std::map<std::string, int> by_status;
  std::map<std::string, int> why;  // what ended sagas that did not complete (bounded texts)
  for (const auto& s : in.final_state.sagas) {
    ++by_status[to_string(s.status)];
    if (s.status != saga::SagaStatus::kCompleted && why.size() < 16) ++why[s.error.substr(0, 120)];
  }
  return {{"sagas", by_status},
          {"not_completed_because", why},
          {"orders", in.records.size()},
          {"ledger_entries", in.final_state.ledger.size()},
          {"notifications", in.final_state.notifications.size()}};
}

// GET /api/v1/sagas/{id} as a client would, after the heal (bounded retries). nullopt: no
// answer (not judged).
std::optional<SagaApiRead> read_via_api(io::Env& env, const std::string& saga_id) {
  for (int attempt = 0; attempt < kMaxReadAttempts; ++attempt) {
    if (attempt > 0) env.clock.sleep_ns(kStartBackoffNs);
    auto called = env.transport.call(kOrchestratorNode,
                                     {"GET", std::string(kStartPath) + "/" + saga_id, "", {}},
                                     env.clock.deadline_after_ns(kCallTimeoutNs));
    if (!called.is_ok() || called.value().status >= 500) continue;
    SagaApiRead read;
    read.http_status = called.value().status;
    const json body = json::parse(called.value().body, nullptr, false);
    if (read.http_status == 200 && body.is_object()) {
      read.status = body.value("status", "");
      read.version = body.value("version", std::int64_t{-1});
    }
    return read;
  }
  return std::nullopt;
}

// The final check: settle (bounded), read, judge.
Completion check(SagaOrdersState& st, io::Env& env) {
  const std::int64_t until = env.clock.monotonic_ns() + st.settle_ns;
  io::Result<SagaFinalState> final_state = read_saga_final_state(env);
  while (env.clock.monotonic_ns() < until &&
         (!final_state.is_ok() || unfinished_sagas(final_state.value()) > 0)) {
    env.clock.sleep_ns(kSettlePollNs);
    final_state = read_saga_final_state(env);
  }
  if (!final_state.is_ok()) {
    return {history::OpType::kFail, nullptr, "final read: " + final_state.status().to_string()};
  }
  SagaCheckInput input;
  input.initial_stock = st.initial_stock();
  for (const auto& [id, r] : st.records) input.records.push_back(r);
  input.final_state = std::move(final_state.value());
  for (const auto& [id, r] : st.records) {
    if (r.outcome != SagaClientRecord::Outcome::kAcknowledged) continue;
    if (auto read = read_via_api(env, r.saga_id)) input.api_reads[r.saga_id] = *read;
  }
  const std::vector<std::string> problems = check_saga_orders(input);
  json value = summarize(input);
  value["problems"] = problems;
  if (problems.empty()) return {history::OpType::kOk, value, ""};
  std::string error = "saga-orders checker: " + std::to_string(problems.size()) + " violation(s)";
  for (const auto& p : problems) error += "; " + p;
  return {history::OpType::kFail, value, error};
}

class SagaOrdersClient final : public workloads::Client {
 public:
  SagaOrdersClient(SagaOrdersState& state, io::Env& env) : state_(state), env_(env) {}
  Completion invoke(const Invocation& op) override {
    if (op.f == "start") return start_order(state_, env_, op.value);
    FL_ASSERT_EQ(op.f, "check");
    return check(state_, env_);
  }

 private:
  SagaOrdersState& state_;
  io::Env& env_;
};

class SagaOrdersWorkload final : public workloads::Workload {
 public:
  explicit SagaOrdersWorkload(SagaOrdersState state) : state_(std::move(state)) {}

  io::Status setup(io::Env& env) override {
    inventory::InventoryService inventory(env);
    if (io::Status s = inventory.init(); !s.is_ok()) return s;
    for (const auto& [sku, quantity] : state_.initial_stock()) {
      auto created = inventory.create_item({sku, "item " + sku, quantity});
      if (!created.is_ok() && created.status().kind() != io::ErrorKind::kConstraint) {
        return created.status();
      }
    }
    return io::Status::ok();
  }

  std::unique_ptr<workloads::Client> make_client(io::Env& env) override {
    return std::make_unique<SagaOrdersClient>(state_, env);
  }

  Invocation make_op(const std::string& f, std::int64_t key, io::Random& random) override {
    FL_ASSERT_EQ(f, "start");
    const std::int64_t n = state_.next_order++;
    json order = {{"order_id", "o" + std::to_string(n)}, {"request", "POST /api/v1/sagas"}};
    if (!state_.fixed_orders.empty()) {
      const json& fixed =
          state_.fixed_orders.at(static_cast<std::size_t>(n) % state_.fixed_orders.size());
      for (const char* k : {"sku", "quantity", "amount_cents", "card"}) order[k] = fixed.at(k);
      return {f, order};
    }
    order["sku"] = "SKU" + std::to_string(key % state_.skus);
    order["quantity"] = random.between(1, 3);
    order["amount_cents"] = random.between(100, 10000);
    order["card"] = random.one_in(state_.decline_one_in) ? "declined" : "visa";
    return {f, order};
  }

  std::vector<Invocation> final_ops() override { return {{"check", nullptr}}; }
  // The judgement is the final "check" op (the saga-orders checker reads the stores, which a
  // history checker cannot); a failed check fails the run.
  std::vector<workloads::CheckerSpec> checkers() const override { return {}; }

 private:
  SagaOrdersState state_;
};

// Each fixed order: {sku: "SKU<i>" (i < skus), quantity 1..1000, amount_cents 1..10^7, card}.
std::string read_fixed_orders(const json& orders, int skus, json* out) {
  *out = json::array();
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const json& o = orders[i];
    const std::string where = "orders[" + std::to_string(i) + "]";
    options::Reader r(where, o);
    const std::int64_t sku = r.integer("sku", 0, 0, skus - 1);
    const std::int64_t quantity = r.integer("quantity", 1, 1, 1000);
    const std::int64_t amount = r.integer("amount_cents", 500, 1, 10000000);
    const std::string card = r.choice("card", "visa", {"visa", "declined"});
    if (std::string e = r.finish(); !e.empty()) return e;
    out->push_back({{"sku", "SKU" + std::to_string(sku)},
                    {"quantity", quantity},
                    {"amount_cents", amount},
                    {"card", card}});
  }
  return "";
}

std::unique_ptr<workloads::Workload> make_saga_orders(const workloads::Options& r,
                                                      std::string* error) {
  SagaOrdersState s;
  s.skus = r.at("skus").get<int>();
  s.stock_per_sku = r.at("stock_per_sku").get<std::int64_t>();
  s.decline_one_in = r.at("decline_one_in").get<int>();
  s.settle_ns = static_cast<std::int64_t>(r.at("settle_s").get<double>() * io::kNsPerSec);
  if (r.contains("orders")) {
    if (std::string e = read_fixed_orders(r.at("orders"), s.skus, &s.fixed_orders); !e.empty()) {
      *error = e;
      return nullptr;
    }
  }
  auto w = std::make_unique<SagaOrdersWorkload>(std::move(s));
  if (std::string e = workloads::generator_from_options(r, {{"start", 1}}, &w->mutable_generator());
      !e.empty()) {
    *error = e;
    return nullptr;
  }
  const std::int64_t limit = w->generator().op_limit;
  if (limit < 1 || limit > static_cast<std::int64_t>(kMaxOrders)) {
    *error = "op_limit: expected 1.." + std::to_string(kMaxOrders) +
             " (the final check reads every saga), got " + std::to_string(limit);
    return nullptr;
  }
  return w;
}

}  // namespace

void register_saga_orders_workload() {
  workloads::WorkloadInfo info;
  info.name = "saga-orders";
  info.description =
      "order sagas through the orchestrator's HTTP API; judged by the saga-orders checker";
  info.options = {
      {"skus", OptionSpec::Kind::kInt, 4, 1, 100, {}, "number of skus"},
      {"stock_per_sku", OptionSpec::Kind::kInt, 60, 0, 1000000, {}, "initial stock per sku"},
      {"decline_one_in", OptionSpec::Kind::kInt, 10, 1, 1000000, {}, "one card in N declined"},
      {"settle_s", OptionSpec::Kind::kFloat, 60.0, 0, 3600, {}, "final wait for unfinished sagas"},
      {"orders",
       OptionSpec::Kind::kTableList,
       nullptr,
       0,
       0,
       {},
       "fixed orders taken in turn: {sku (index), quantity, amount_cents, card}"},
  };
  info.default_mix = {{"start", 1}};
  info.needs = [](const workloads::Options&) {
    return std::vector<workloads::StoreKind>{workloads::StoreKind::kSql,
                                             workloads::StoreKind::kCache};
  };
  info.make = make_saga_orders;
  workloads::register_workload(std::move(info));
}

}  // namespace fl::compose
