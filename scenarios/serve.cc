// `faultline serve` (serve.h): one RealNode per service, each with its own store clients and HTTP
// port, all on this process' fiber runtime.
#include "scenarios/serve.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "real/http_rpc.h"
#include "real/node_runtime.h"
#include "real/stores_from_env.h"
#include "scenarios/cli.h"
#include "scenarios/saga_system.h"
#include "scenarios/serve_topics.h"
#include "system/api/inventory_api.h"
#include "system/api/notification_api.h"
#include "system/api/payment_api.h"
#include "system/api/saga_api.h"
#include "system/api/server.h"

namespace fl::scenarios {
namespace {

constexpr const char* kHealthTopic = kServeHealthTopic;
constexpr std::int64_t kStopPollNs = 50 * io::kNsPerMs;
constexpr std::int64_t kStopGraceNs = 200 * io::kNsPerMs;

volatile std::sig_atomic_t g_stop_signal = 0;  // set by the SIGINT/SIGTERM handler only
extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

void write_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

// One service: its node (clock, tasks, HTTP transport), store clients, API layer and the
// service object itself. Members are destroyed in reverse order: the server before the stores.
struct Slot {
  std::string name;
  std::unique_ptr<real::RealNode> node;
  std::unique_ptr<real::PgStore> sql;
  std::unique_ptr<real::RedisCache> cache;
  std::unique_ptr<real::KafkaLog> events;
  std::unique_ptr<api::Logger> log;
  std::unique_ptr<api::Metrics> metrics;
  std::unique_ptr<api::Health> health;
  std::shared_ptr<void> service;
  std::unique_ptr<api::ApiServer> server;
  saga::OrchestratorOptions orchestrator;  // for the "saga" slot
};

io::Status open_stores(const ServeConfig& config, real::KafkaMockCluster* mock, Slot* slot) {
  slot->sql = real::sql_from_env(config.pg);
  auto cache = real::cache_from_env(config.redis);
  if (!cache.is_ok()) return cache.status();
  slot->cache = std::move(cache.value());
  real::KafkaOptions o;
  o.client_id = "faultline-" + slot->name;
  if (mock != nullptr) {
    o.brokers = mock->bootstraps();
    o.create_topic_via = [mock](const std::string& t, int n) { return mock->create_topic(t, n); };
  } else {
    o.brokers = config.kafka;
  }
  if (config.kafka_topics_provisioned) {
    io::Clock* clock = &slot->node->env().clock;
    o.create_topic_via = [clock, brokers = o.brokers](const std::string& t, int n) {
      return check_provisioned_topic(*clock, brokers, t, n);
    };
  }
  slot->events = std::make_unique<real::KafkaLog>(o);
  io::Env& env = slot->node->env();
  env.sql = slot->sql.get();
  env.cache = slot->cache.get();
  env.events = slot->events.get();
  return io::Status::ok();
}

// Creates and runs the named service and registers its routes and metrics.
template <typename Service, typename... Options>
io::Status run_service(Slot* slot, const std::vector<io::TableSchema>& schemas,
                       const std::function<void(Service&)>& add_routes, const Options&... options) {
  auto service = std::make_shared<Service>(slot->node->env(), options...);
  io::Status started = service->run();
  if (!started.is_ok()) return started;
  FL_ASSERT(!schemas.empty());
  slot->health->add("postgres", api::sql_probe(*slot->sql, schemas.front().name));
  slot->health->add("redis", api::cache_probe(*slot->cache, "faultline:health:" + slot->name));
  slot->health->add("kafka", api::events_probe(*slot->events, kHealthTopic, slot->name));
  add_routes(*service);
  slot->service = service;
  return io::Status::ok();
}

io::Status start_slot(Slot* slot) {
  const std::string& n = slot->name;
  api::Router& router = slot->server->router();
  api::Logger& log = *slot->log;
  if (n == "saga") {
    return run_service<saga::Orchestrator>(
        slot, saga::Orchestrator::schemas(),
        [&](saga::Orchestrator& s) {
          api::add_saga_routes(router, s, log);
          api::add_saga_metrics(*slot->metrics, s, *slot->sql);
        },
        slot->orchestrator);
  }
  if (n == "inventory") {
    return run_service<inventory::InventoryService>(
        slot, inventory::InventoryService::schemas(),
        [&](inventory::InventoryService& s) { api::add_inventory_routes(router, s, log); });
  }
  if (n == "payment") {
    return run_service<payment::PaymentService>(
        slot, payment::PaymentService::schemas(),
        [&](payment::PaymentService& s) { api::add_payment_routes(router, s, log); });
  }
  FL_ASSERT_EQ(n, std::string("notification"));
  return run_service<notification::NotificationService>(
      slot, notification::NotificationService::schemas(),
      [&](notification::NotificationService& s) { api::add_notification_routes(router, s, log); });
}

// Starts the slot's service, retrying (bounded) while its stores are unreachable: a service
// started beside a database that is still starting (or restarting) waits for it.
io::Status start_with_retries(Slot* slot) {
  io::Status s = io::Status::ok();
  for (int attempt = 1; attempt <= kMaxServeStartAttempts; ++attempt) {
    s = slot->events->create_topic(kHealthTopic, 1);
    if (s.is_ok()) s = start_slot(slot);
    if (s.is_ok() || s.kind() == io::ErrorKind::kInvalidArgument) return s;
    slot->log->warn("start failed, retrying", {{"attempt", attempt}, {"error", s.to_string()}});
    slot->node->env().clock.sleep_ns(kServeStartRetryNs);
  }
  return s;
}

std::unique_ptr<Slot> make_slot(const ServeConfig& config, const std::string& name,
                                std::uint64_t seed) {
  auto slot = std::make_unique<Slot>();
  slot->name = name;
  apply_saga_tuning({config.step_timeout_ms * io::kNsPerMs, config.forward_attempts},
                    &slot->orchestrator);
  slot->node = std::make_unique<real::RealNode>(name, seed, std::map<std::string, std::string>{},
                                                serve_port(config, name));
  slot->log =
      std::make_unique<api::Logger>(slot->node->env().clock, name, config.log_level, write_line);
  slot->metrics = std::make_unique<api::Metrics>(name);
  slot->health = std::make_unique<api::Health>(name);
  slot->server = std::make_unique<api::ApiServer>(slot->node->env().clock, *slot->log,
                                                  *slot->metrics, *slot->health);
  return slot;
}

// Runs on the main fiber: starts every service, serves until a signal, stops. Returns the exit
// code.
int serve_main(const ServeConfig& config, real::KafkaMockCluster* mock) {
  const std::uint64_t seed = static_cast<std::uint64_t>(
      std::chrono::system_clock::now().time_since_epoch().count());  // ids only, not a sim seed
  // Deliberately never freed: the services' parked fibers use the slots until the process ends
  // (cmd_serve's _Exit), and destroying them earlier would let those fibers see freed memory.
  auto& slots = *new std::vector<std::unique_ptr<Slot>>();
  for (const auto& name : config.services) {
    slots.push_back(make_slot(config, name, seed + slots.size()));
    Slot& slot = *slots.back();
    io::Status s = open_stores(config, mock, &slot);
    if (s.is_ok()) s = start_with_retries(&slot);
    if (!s.is_ok()) {
      slot.log->error("start failed", {{"error", s.to_string()}});
      return kExitHarness;
    }
    try {
      slot.node->transport().serve(slot.server->handler());
    } catch (const std::exception& e) {  // a port in use
      slot.log->error("cannot listen", {{"port", serve_port(config, name)}, {"error", e.what()}});
      return kExitHarness;
    }
    slot.log->info("listening",
                   {{"port", slot.node->transport().port()},
                    {"address", "127.0.0.1"},
                    {"kafka", mock != nullptr ? "mock at " + mock->bootstraps() : config.kafka}});
  }
  io::Clock& clock = slots.front()->node->env().clock;
  while (g_stop_signal == 0) clock.sleep_ns(kStopPollNs);  // ends only by a signal
  for (auto& slot : slots) {
    slot->log->info("stopping", {{"signal", static_cast<int>(g_stop_signal)}});
    slot->node->transport().stop();
  }
  clock.sleep_ns(kStopGraceNs);  // lets handlers that were running write their answers
  return kExitPass;
}

}  // namespace

int cmd_serve(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ServeConfig config;
  const std::string error = parse_serve_config(
      args, [](const char* name) { return std::getenv(name); }, &config);
  if (!error.empty()) {
    err << "faultline serve: " << error << "\n"
        << "usage: faultline serve [saga|inventory|payment|notification|all ...] "
           "[--port-base N] [--pg CONNINFO] [--redis URL] [--kafka BROKERS|mock] "
           "[--log-level L]\n";
    return kExitUsage;
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<real::KafkaMockCluster> mock;
  if (config.kafka == "mock") mock = std::make_unique<real::KafkaMockCluster>(1);
  int code = kExitHarness;
  real::run_fibers([&] { code = serve_main(config, mock.get()); });
  out.flush();
  std::fflush(stderr);
  // The services' consumer and relay fibers run until the process ends (they have no stop of
  // their own): end it here, without unwinding objects those parked fibers still use.
  std::_Exit(code);
}

}  // namespace fl::scenarios
