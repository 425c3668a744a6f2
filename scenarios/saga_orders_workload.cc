// The `saga-orders` workload: clients start order sagas (order_processing: reserve -> charge ->
// notify) through the orchestrator — over Transport at node "orchestrator" when the saga system
// runs as service nodes ("nodes": the simulated RPC, POST /sagas; "http": the seeds' HTTP API,
// POST /api/v1/sagas, as real mode's `faultline serve` processes answer it), or through the
// orchestrator's public API when the workload hosts the services itself ("embedded"). Each start op
// retries with the order's own idempotency key (bounded) and completes ok (acknowledged, value =
// saga id), fail (every attempt refused definitely) or info (unknown). After the heal phase the
// final op "check" waits (bounded) until no saga is unfinished, reads the final state from the
// services' stores (sagas, stock, reservations, ledger, notifications) and judges it with the
// saga-orders checker (saga_check.h) against what the clients saw: ok iff there is no violation;
// otherwise fail with every violation in the op's error (the harness reports a final op that never
// completes ok as a failed run).
#include <nlohmann/json.hpp>

#include "scenarios/saga_check.h"
#include "scenarios/saga_system.h"
#include "scenarios/saga_system_fence.h"
#include "system/inventory/inventory_service.h"
#include "system/io/assert.h"
#include "system/notification/notification_service.h"
#include "system/payment/payment_service.h"
#include "workloads/workload.h"

namespace fl::scenarios {
namespace {

using nlohmann::json;
using workloads::Completion;
using workloads::Invocation;
using workloads::OptionSpec;

constexpr int kMaxStartAttempts = 5;
constexpr std::int64_t kStartBackoffNs = 300 * io::kNsPerMs;
constexpr std::int64_t kCallTimeoutNs = 2 * io::kNsPerSec;
constexpr std::int64_t kSettlePollNs = 500 * io::kNsPerMs;
constexpr std::size_t kMaxAttemptsText = 2000;
constexpr std::size_t kMaxOrders = 900;
// saga::OrchestratorOptions' defaults (checked in register_saga_orders_workload).
constexpr int kDefaultStepTimeoutMs = 1000;
constexpr int kDefaultForwardAttempts = 3;
constexpr std::int64_t kMaxFenceDrainNs = 30 * io::kNsPerSec;
constexpr std::int64_t kFenceDrainPollNs =
    50 * io::kNsPerMs;  // below saga::kMaxListSagas: the check reads them all

struct SagaOrdersState {
  bool embedded = false;
  bool http = false;  // services = "http": the seeds' API paths
  int skus = 4;
  std::int64_t stock_per_sku = 60;
  int decline_one_in = 10;
  std::int64_t settle_ns = 60 * io::kNsPerSec;
  SagaTuning tuning;  // embedded hosts' orchestrator
  std::int64_t next_order = 0;
  std::map<std::string, SagaClientRecord> records;  // by order id
  // embedded: the hosted services, one per client env, and the envs already hosting one.
  std::vector<std::unique_ptr<SagaServiceHost>> hosts;
  std::vector<io::Env*> host_envs;
  SagaFence fence;  // closed by the final check: the hosted services stop before the sessions
  std::vector<std::unique_ptr<FencedEnv>> fenced;
  bool orchestrator_started = false;

  std::map<std::string, std::int64_t> initial_stock() const {
    std::map<std::string, std::int64_t> stock;
    for (int i = 0; i < skus; ++i) stock["SKU" + std::to_string(i)] = stock_per_sku;
    return stock;
  }
};

// One start attempt. ok: saga id; failed: definitely not started; indeterminate: unknown.
io::Result<std::string> start_once(SagaOrdersState& st, io::Env& env, const json& body) {
  if (st.embedded) {
    if (!st.orchestrator_started) {
      return io::Status::failed(io::ErrorKind::kUnavailable, "orchestrator not started yet");
    }
    saga::StartSagaRequest req{"order_processing", body["data"].dump(),
                               body["idempotency_key"].get<std::string>()};
    auto started = st.hosts.front()->orchestrator()->start(req);
    if (!started.is_ok()) return started.status();
    return started.value().saga_id;
  }
  auto called = env.transport.call(saga_service_name(SagaService::kOrchestrator),
                                   {"POST", st.http ? "/api/v1/sagas" : "/sagas", body.dump()},
                                   env.clock.deadline_after_ns(kCallTimeoutNs));
  if (!called.is_ok()) return called.status();
  json reply = json::parse(called.value().body, nullptr, false);
  const int status = called.value().status;
  // 201 created; 200 (the seeds' API) an earlier attempt with this key had created it.
  if ((status == 201 || status == 200) && reply.is_object() &&
      reply.value("saga_id", json()).is_string()) {
    return reply["saga_id"].get<std::string>();
  }
  if (status == 400 || status == 503) {
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
  data["user_id"] = "u" + r.order_id;
  const json body = {{"type", "order_processing"}, {"data", data}, {"idempotency_key", r.order_id}};
  bool all_refused = true;
  Completion done{history::OpType::kInfo, order, ""};
  for (int attempt = 0; attempt < kMaxStartAttempts; ++attempt) {
    if (attempt > 0) env.clock.sleep_ns(kStartBackoffNs);
    auto started = start_once(st, env, body);
    if (started.is_ok()) {
      r.outcome = SagaClientRecord::Outcome::kAcknowledged;
      r.saga_id = started.value();
      done = {history::OpType::kOk, order, ""};
      done.value["saga_id"] = r.saga_id;
      break;
    }
    if (!started.status().is_failed()) all_refused = false;
    if (r.attempts.size() < kMaxAttemptsText)
      r.attempts += "[" + started.status().to_string() + "]";
  }
  if (r.outcome != SagaClientRecord::Outcome::kAcknowledged) {
    r.outcome =
        all_refused ? SagaClientRecord::Outcome::kRefused : SagaClientRecord::Outcome::kUnknown;
    done = {all_refused ? history::OpType::kFail : history::OpType::kInfo, order, r.attempts};
  }
  st.records[r.order_id] = r;
  return done;
}

// Reads everything the checker needs in one attempt (the harness retries the final op).
io::Result<SagaFinalState> read_final(io::Env& env) {
  saga::Orchestrator orchestrator(env);
  inventory::InventoryService inventory(env);
  payment::PaymentService payment(env);
  notification::NotificationService notification(env);
  SagaFinalState out;
  auto sagas = orchestrator.list(saga::kMaxListSagas);
  if (!sagas.is_ok()) return sagas.status();
  auto items = inventory.list_items(inventory::kMaxListItems);
  if (!items.is_ok()) return items.status();
  auto reservations = inventory.list_reservations(kMaxFinalRows);
  if (!reservations.is_ok()) return reservations.status();
  auto ledger = payment.list_ledger(kMaxFinalRows);
  if (!ledger.is_ok()) return ledger.status();
  auto sent = notification.list("", kMaxFinalRows);
  if (!sent.is_ok()) return sent.status();
  out.sagas = std::move(sagas.value());
  out.items = std::move(items.value());
  out.reservations = std::move(reservations.value());
  out.ledger = std::move(ledger.value());
  out.notifications = std::move(sent.value());
  return out;
}

std::size_t unfinished(const SagaFinalState& s) {
  std::size_t n = 0;
  for (const auto& v : s.sagas) n += saga::is_final(v.status) ? 0 : 1;
  return n;
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

// Embedded shape: stops the hosted services (their fibers end at their next store call) and
// waits (bounded) until every one has ended, so none outlives the client sessions it borrowed.
std::string stop_hosted(SagaOrdersState& st, io::Env& env) {
  if (st.hosts.empty()) return "";
  const bool first = !st.fence.closed();
  st.fence.close();
  for (std::int64_t waited = 0; first && st.fence.live_fibers() > 0 && waited < kMaxFenceDrainNs;
       waited += kFenceDrainPollNs) {
    env.clock.sleep_ns(kFenceDrainPollNs);
  }
  if (st.fence.live_fibers() == 0) return "";
  return std::to_string(st.fence.live_fibers()) + " hosted service fiber(s) did not stop";
}

// The final check: settle (bounded), read, judge.
Completion check(SagaOrdersState& st, io::Env& env) {
  const std::int64_t until = env.clock.monotonic_ns() + st.settle_ns;
  io::Result<SagaFinalState> final_state = read_final(env);
  while (env.clock.monotonic_ns() < until &&
         (!final_state.is_ok() || unfinished(final_state.value()) > 0)) {
    env.clock.sleep_ns(kSettlePollNs);
    final_state = read_final(env);
  }
  if (!final_state.is_ok()) {
    return {history::OpType::kFail, nullptr, "final read: " + final_state.status().to_string()};
  }
  SagaCheckInput input;
  input.initial_stock = st.initial_stock();
  for (const auto& [id, r] : st.records) input.records.push_back(r);
  input.final_state = std::move(final_state.value());
  std::vector<std::string> problems = check_saga_orders(input);
  if (std::string e = stop_hosted(st, env); !e.empty()) problems.push_back("harness: " + e);
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
    if (state_.embedded) host_service(env);
    return std::make_unique<SagaOrdersClient>(state_, env);
  }

  Invocation make_op(const std::string& f, std::int64_t key, io::Random& random) override {
    FL_ASSERT_EQ(f, "start");
    const std::string id = "o" + std::to_string(state_.next_order++);
    const std::string card = random.one_in(state_.decline_one_in) ? "declined" : "visa";
    return {f,
            {{"order_id", id},
             {"sku", "SKU" + std::to_string(key % state_.skus)},
             {"quantity", random.between(1, 3)},
             {"amount_cents", random.between(100, 10000)},
             {"card", card}}};
  }

  std::vector<Invocation> final_ops() override { return {{"check", nullptr}}; }
  // The judgement is the final "check" op (the saga-orders checker reads the stores, which a
  // history checker cannot); a failed check fails the run.
  std::vector<workloads::CheckerSpec> checkers() const override { return {}; }

 private:
  // Embedded shape: the first four distinct client envs each host one service (orchestrator,
  // inventory, payment, notification), started on a fiber with bounded retries.
  void host_service(io::Env& env) {
    if (state_.hosts.size() >= kSagaServices) return;
    for (io::Env* e : state_.host_envs) {
      if (e == &env) return;
    }
    const auto service = static_cast<SagaService>(state_.hosts.size());
    state_.host_envs.push_back(&env);
    state_.fenced.push_back(std::make_unique<FencedEnv>(env, &state_.fence));
    io::Env& fenced = state_.fenced.back()->env();
    state_.hosts.push_back(
        std::make_unique<SagaServiceHost>(service, fenced, SagaBugs{}, state_.tuning));
    SagaServiceHost* host = state_.hosts.back().get();
    SagaOrdersState* st = &state_;
    fenced.tasks.spawn(std::string("host ") + saga_service_name(service), [host, service, st] {
      io::Status started = host->start();
      FL_ASSERT_MSG(started.is_ok(), saga_service_name(service)
                                         << " could not start: " << started.to_string());
      if (service == SagaService::kOrchestrator) st->orchestrator_started = true;
    });
  }

  SagaOrdersState state_;
};

std::unique_ptr<workloads::Workload> make_saga_orders(const workloads::Options& r,
                                                      std::string* error) {
  SagaOrdersState s;
  s.embedded = r.at("services").get<std::string>() == "embedded";
  s.http = r.at("services").get<std::string>() == "http";
  s.skus = r.at("skus").get<int>();
  s.stock_per_sku = r.at("stock_per_sku").get<std::int64_t>();
  s.decline_one_in = r.at("decline_one_in").get<int>();
  s.settle_ns = static_cast<std::int64_t>(r.at("settle_s").get<double>() * io::kNsPerSec);
  s.tuning.step_timeout_ns = r.at("step_timeout_ms").get<std::int64_t>() * io::kNsPerMs;
  s.tuning.max_forward_attempts = r.at("forward_attempts").get<int>();
  if (!s.embedded && (r.at("step_timeout_ms") != kDefaultStepTimeoutMs ||
                      r.at("forward_attempts") != kDefaultForwardAttempts)) {
    *error =
        "step_timeout_ms, forward_attempts: only with services = \"embedded\" (for service "
        "nodes set topology.system_options.step_timeout_ms, forward_attempts)";
    return nullptr;
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
  if (w->generator().concurrency < kSagaServices && r.at("services") == "embedded") {
    *error = "concurrency: services = \"embedded\" needs at least 4 clients (each hosts a service)";
    return nullptr;
  }
  return w;
}

}  // namespace

void register_saga_orders_workload() {
  workloads::WorkloadInfo info;
  info.name = "saga-orders";
  info.description = "order sagas through the orchestrator; judged by the saga-orders checker";
  info.options = {
      {"services",
       OptionSpec::Kind::kString,
       "nodes",
       0,
       0,
       {"nodes", "http", "embedded"},
       "saga services as service nodes (system \"saga\"; \"http\": through the seeds' HTTP "
       "API, as real mode's service processes serve it) or hosted by the workload"},
      {"skus", OptionSpec::Kind::kInt, 4, 1, 100, {}, "number of skus"},
      {"stock_per_sku", OptionSpec::Kind::kInt, 60, 0, 1000000, {}, "initial stock per sku"},
      {"decline_one_in", OptionSpec::Kind::kInt, 10, 1, 1000000, {}, "one card in N declined"},
      {"settle_s", OptionSpec::Kind::kFloat, 60.0, 0, 3600, {}, "final wait for unfinished sagas"},
      {"step_timeout_ms",
       OptionSpec::Kind::kInt,
       kDefaultStepTimeoutMs,
       kMinStepTimeoutMs,
       kMaxStepTimeoutMs,
       {},
       "embedded orchestrator: per-step timeout before a resend"},
      {"forward_attempts",
       OptionSpec::Kind::kInt,
       kDefaultForwardAttempts,
       1,
       kMaxForwardAttempts,
       {},
       "embedded orchestrator: attempts of a compensable step before its outcome is unknown"},
  };
  FL_ASSERT_EQ(saga::OrchestratorOptions{}.step_timeout_ns, kDefaultStepTimeoutMs * io::kNsPerMs);
  FL_ASSERT_EQ(saga::OrchestratorOptions{}.limits.max_forward_attempts, kDefaultForwardAttempts);
  info.default_mix = {{"start", 1}};
  info.needs = [](const workloads::Options& r) {
    std::vector<workloads::StoreKind> needs{workloads::StoreKind::kSql,
                                            workloads::StoreKind::kCache};
    if (r.at("services") == "embedded") needs.push_back(workloads::StoreKind::kEvents);
    return needs;
  };
  info.make = make_saga_orders;
  workloads::register_workload(std::move(info));
}

}  // namespace fl::scenarios
