#include "scenarios/saga_world.h"

#include <nlohmann/json.hpp>

#include "scenarios/saga_system.h"

namespace fl::scenarios {
namespace {

using nlohmann::json;

constexpr const char* kNodeNames[] = {"client",       "orchestrator", "inventory", "payment",
                                      "notification", "pg",           "redis",     "kafka"};
constexpr std::int64_t kStartRetryNs = 100 * io::kNsPerMs;
constexpr std::int64_t kReadRetryNs = 200 * io::kNsPerMs;

io::Response json_response(int status, const json& body) { return {status, body.dump()}; }

json view_json(const saga::SagaView& v) {
  json steps = json::array();
  for (const auto& s : v.steps) steps.push_back({{"name", s.name}, {"state", to_string(s.state)}});
  return {{"saga_id", v.saga_id},   {"type", v.type}, {"status", to_string(v.status)},
          {"step", v.current_step}, {"steps", steps}, {"error", v.error},
          {"version", v.version}};
}

}  // namespace

const char* saga_node_name(int node) {
  FL_ASSERT(node >= 0 && node <= kSagaNodeCount);
  return kNodeNames[node];
}

struct SagaWorld::NodeStores {
  std::unique_ptr<sim::pg::SimSqlStore> sql;
  std::unique_ptr<sim::redis::SimKvCache> cache;
  std::unique_ptr<sim::kafka::SimEventLog> events;
  std::unique_ptr<io::SqlStore> probed_sql;
  std::unique_ptr<io::KvCache> probed_cache;
  std::unique_ptr<io::EventLog> probed_events;
  std::unique_ptr<saga::Orchestrator> orchestrator;
  std::unique_ptr<inventory::InventoryService> inventory;
  std::unique_ptr<payment::PaymentService> payment;
  std::unique_ptr<notification::NotificationService> notification;
};

SagaWorld::SagaWorld(SagaWorldOptions options)
    : options_(std::move(options)), sim_(sim::SimOptions{options_.seed}), pg_(&sim_, options_.pg) {
  for (int node = kOrchestratorNode; node <= kNotificationNode; ++node) {
    const int added =
        sim_.add_node(kNodeNames[node], [this, node](io::Env& env) { service_main(node, env); });
    FL_ASSERT_EQ(added, node);
    sim_.set_node_setup(node, [this](int n, io::Env& env) { return setup_node(n, env); });
  }
  FL_ASSERT_EQ(pg_.add_server("pg"), kPgNode);
  sim::redis::RedisOptions redis;
  redis.persistence = options_.redis_persistence;
  redis_ = std::make_unique<sim::redis::RedisServer>(&sim_, "redis", redis);
  FL_ASSERT_EQ(redis_->node(), kRedisNode);
  kafka_ = std::make_unique<sim::kafka::KafkaBroker>(&sim_, "kafka", options_.kafka);
  FL_ASSERT_EQ(kafka_->node(), kKafkaNode);
  sim_.set_node_setup(sim::Simulator::kHarnessNode,
                      [this](int n, io::Env& env) { return setup_node(n, env); });
}

SagaWorld::~SagaWorld() = default;

std::shared_ptr<void> SagaWorld::setup_node(int node, io::Env& env) {
  auto stores = std::make_shared<NodeStores>();
  const std::uint64_t inc = sim_.incarnation(node);
  io::Random rnd = sim_.random().fork(std::string(kNodeNames[node]) + "#" + std::to_string(inc));
  stores->sql = std::make_unique<sim::pg::SimSqlStore>(&pg_, node, rnd.fork(1), -1);
  stores->cache = std::make_unique<sim::redis::SimKvCache>(redis_.get(), node, rnd.fork(2));
  stores->events = std::make_unique<sim::kafka::SimEventLog>(
      kafka_.get(), node, &env.clock, std::string(kNodeNames[node]) + "#" + std::to_string(inc),
      rnd.fork(3));
  auto hook = [this, node](const char* kind) {
    if (options_.on_durable_step) options_.on_durable_step(node, kind);
  };
  stores->probed_sql = probe_sql(stores->sql.get(), hook);
  stores->probed_cache = probe_cache(stores->cache.get(), hook);
  stores->probed_events = probe_events(stores->events.get(), hook);
  env.sql = stores->probed_sql.get();
  env.cache = stores->probed_cache.get();
  env.events = stores->probed_events.get();
  switch (node) {
    case kOrchestratorNode:
      stores->orchestrator = std::make_unique<saga::Orchestrator>(env, options_.orchestrator);
      break;
    case kInventoryNode:
      stores->inventory = std::make_unique<inventory::InventoryService>(env);
      break;
    case kPaymentNode:
      stores->payment = std::make_unique<payment::PaymentService>(env, options_.payment);
      break;
    case kNotificationNode:
      stores->notification = std::make_unique<notification::NotificationService>(env);
      break;
    default:
      break;
  }
  stores_[node] = stores.get();
  return stores;
}

void SagaWorld::service_main(int node, io::Env& env) {
  NodeStores* stores = stores_.at(node);
  for (int attempt = 1; attempt <= kMaxServiceStartAttempts; ++attempt) {
    io::Status started = io::Status::ok();
    if (stores->orchestrator) started = stores->orchestrator->run();
    if (stores->inventory) started = stores->inventory->run();
    if (stores->payment) started = stores->payment->run();
    if (stores->notification) started = stores->notification->run();
    if (started.is_ok()) {
      if (stores->orchestrator)
        env.transport.serve(orchestrator_handler(stores->orchestrator.get()));
      return;
    }
    env.clock.sleep_ns(kStartRetryNs);
  }
  FL_ASSERT_MSG(false, kNodeNames[node] << " could not start");
}

// Defined here (declared in saga_system.h) so that both SagaWorld and the harness' saga system
// serve the one handler; saga_tests compile this file without the rest of fl_scenarios.
io::Handler saga_orchestrator_handler(saga::Orchestrator* orchestrator) {
  FL_ASSERT(orchestrator != nullptr);
  return [orchestrator](const io::Request& req) -> io::Response {
    if (req.method == "POST" && req.path == "/sagas") {
      json body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.is_object() || !body.value("type", json()).is_string()) {
        return json_response(400, {{"error", "expected {type, data, idempotency_key}"}});
      }
      saga::StartSagaRequest start;
      start.type = body["type"].get<std::string>();
      start.data_json = body.contains("data") ? body["data"].dump() : "{}";
      if (body.contains("idempotency_key") && body["idempotency_key"].is_string()) {
        start.idempotency_key = body["idempotency_key"].get<std::string>();
      }
      auto started = orchestrator->start(start);
      if (started.is_ok()) {
        return json_response(
            201, {{"saga_id", started.value().saga_id}, {"created", started.value().created}});
      }
      const io::Status& s = started.status();
      if (s.kind() == io::ErrorKind::kInvalidArgument)
        return json_response(400, {{"error", s.message()}});
      if (s.is_failed()) return json_response(503, {{"error", s.message()}, {"outcome", "failed"}});
      return json_response(500, {{"error", s.message()}, {"outcome", "indeterminate"}});
    }
    if (req.method == "GET" && req.path.rfind("/sagas/", 0) == 0) {
      auto got = orchestrator->get(req.path.substr(7));
      if (!got.is_ok()) return json_response(503, {{"error", got.status().message()}});
      if (!got.value()) return json_response(404, {{"error", "no such saga"}});
      return json_response(200, view_json(*got.value()));
    }
    return json_response(404, {{"error", "no route"}});
  };
}

io::Handler SagaWorld::orchestrator_handler(saga::Orchestrator* orchestrator) {
  return saga_orchestrator_handler(orchestrator);
}

sim::RunReport SagaWorld::run(const std::function<void(io::Env&)>& driver) {
  return sim_.run([&](io::Env& env) {
    io::Env harness = env;  // the harness's own store sessions (set by its setup hook)
    NodeStores* stores = stores_.at(sim::Simulator::kHarnessNode);
    harness.sql = stores->sql.get();
    harness.cache = stores->cache.get();
    harness.events = nullptr;
    env.clock.sleep_ns(io::kNsPerMs);  // let the servers start
    driver(harness);
  });
}

io::Status SagaWorld::setup_items(io::Env& env, const std::map<std::string, std::int64_t>& stock) {
  inventory::InventoryService inventory(env);
  if (io::Status s = inventory.init(); !s.is_ok()) return s;
  for (const auto& [sku, quantity] : stock) {
    auto created = inventory.create_item({sku, "item " + sku, quantity});
    if (!created.is_ok() && created.status().kind() != io::ErrorKind::kConstraint) {
      return created.status();
    }
  }
  return io::Status::ok();
}

io::Result<std::string> SagaWorld::start_saga(io::Env& env, const std::string& type,
                                              const std::string& data_json,
                                              const std::string& key) {
  json body = {{"type", type}, {"data", json::parse(data_json)}, {"idempotency_key", key}};
  auto called =
      env.transport.call(saga_node_name(kOrchestratorNode), {"POST", "/sagas", body.dump()},
                         env.clock.deadline_after_ns(kSagaCallTimeoutNs));
  if (!called.is_ok()) return called.status();
  const io::Response& resp = called.value();
  json reply = json::parse(resp.body, nullptr, false);
  if (resp.status == 201 && reply.is_object() && reply.contains("saga_id")) {
    return reply["saga_id"].get<std::string>();
  }
  if (resp.status == 400 || resp.status == 503) {
    return io::Status::failed(io::ErrorKind::kUnavailable, "start refused: " + resp.body);
  }
  return io::Status::indeterminate(io::ErrorKind::kInternal, "start unknown: " + resp.body);
}

io::Result<SagaFinalState> SagaWorld::read_final(io::Env& env) {
  saga::Orchestrator orchestrator(env);
  inventory::InventoryService inventory(env);
  payment::PaymentService payment(env);
  notification::NotificationService notification(env);
  io::Status last = io::Status::ok();
  for (int attempt = 0; attempt < kMaxFinalReadAttempts; ++attempt) {
    if (attempt > 0) env.clock.sleep_ns(kReadRetryNs);
    SagaFinalState out;
    auto sagas = orchestrator.list(saga::kMaxListSagas);
    auto items = inventory.list_items(inventory::kMaxListItems);
    auto reservations = inventory.list_reservations(kMaxFinalRows);
    auto ledger = payment.list_ledger(kMaxFinalRows);
    auto sent = notification.list("", kMaxFinalRows);
    for (const io::Status* s : {&sagas.status(), &items.status(), &reservations.status(),
                                &ledger.status(), &sent.status()}) {
      if (!s->is_ok()) last = *s;
    }
    if (!sagas.is_ok() || !items.is_ok() || !reservations.is_ok() || !ledger.is_ok() ||
        !sent.is_ok()) {
      continue;
    }
    out.sagas = std::move(sagas.value());
    out.items = std::move(items.value());
    out.reservations = std::move(reservations.value());
    out.ledger = std::move(ledger.value());
    out.notifications = std::move(sent.value());
    return out;
  }
  return last;
}

io::Result<std::size_t> SagaWorld::count_unfinished(io::Env& env) {
  saga::Orchestrator orchestrator(env);
  auto sagas = orchestrator.list(saga::kMaxListSagas);
  if (!sagas.is_ok()) return sagas.status();
  std::size_t unfinished = 0;
  for (const auto& s : sagas.value()) unfinished += saga::is_final(s.status) ? 0 : 1;
  return unfinished;
}

void SagaWorld::restart(int node) {
  if (sim_.is_up(node)) return;
  sim_.restart(node);
  sim_.sleep_until(sim_.now_ns() + io::kNsPerMs);
}

}  // namespace fl::scenarios
