// SagaWorld: the simulated deployment of the saga system, shared by the saga scenarios and the
// saga tests. Nodes: 1 orchestrator, 2 inventory, 3 payment, 4 notification (each a service on
// its own simulated process with its own store sessions), 5 PostgreSQL primary, 6 Redis,
// 7 Kafka. The harness (node 0) talks to the orchestrator over the simulated network
// (POST /sagas, GET /sagas/<id>) and reads the final state straight from the stores.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/saga_probes.h"
#include "sim/kafka/sim_event_log.h"
#include "sim/pg/sim_sql_store.h"
#include "sim/redis/sim_redis.h"
#include "sim/simulator.h"
#include "system/inventory/inventory_service.h"
#include "system/notification/notification_service.h"
#include "system/payment/payment_service.h"
#include "system/saga/orchestrator.h"

namespace fl::scenarios {

enum SagaNode : int {
  kOrchestratorNode = 1,
  kInventoryNode,
  kPaymentNode,
  kNotificationNode,
  kPgNode,
  kRedisNode,
  kKafkaNode,
  kSagaNodeCount = kKafkaNode  // nodes 1..7
};
const char* saga_node_name(int node);

struct SagaWorldOptions {
  std::uint64_t seed = 1;
  saga::OrchestratorOptions orchestrator;
  payment::PaymentOptions payment;
  sim::pg::PgOptions pg;
  sim::redis::Persistence redis_persistence = sim::redis::Persistence::kOff;
  sim::kafka::KafkaOptions kafka;
  // Called after every durable step of a service node (1..4): (node, kind). May crash it.
  std::function<void(int node, const char* kind)> on_durable_step;
};

// What the harness reads after a run (straight from the stores).
struct SagaFinalState {
  std::vector<saga::SagaView> sagas;
  std::vector<inventory::Item> items;
  std::vector<inventory::Reservation> reservations;
  std::vector<payment::LedgerEntry> ledger;
  std::vector<notification::Notification> notifications;
};

constexpr std::int64_t kSagaCallTimeoutNs = 2 * io::kNsPerSec;
constexpr std::size_t kMaxFinalRows = 10000;
constexpr int kMaxFinalReadAttempts = 50;
constexpr int kMaxServiceStartAttempts = 1000;

class SagaWorld {
 public:
  explicit SagaWorld(SagaWorldOptions options);
  ~SagaWorld();
  SagaWorld(const SagaWorld&) = delete;
  SagaWorld& operator=(const SagaWorld&) = delete;

  sim::Simulator& sim() { return sim_; }
  sim::kafka::KafkaBroker& kafka() { return *kafka_; }

  // Runs `driver` on the harness node with an Env whose sql/cache point at harness sessions.
  sim::RunReport run(const std::function<void(io::Env&)>& driver);

  // --- from the driver ---
  // Creates the tables (idempotent) and the items (sku -> quantity) through the services' code.
  io::Status setup_items(io::Env& env, const std::map<std::string, std::int64_t>& stock);
  // POST /sagas on the orchestrator node. ok: the saga id; failed: definitely not started;
  // indeterminate: unknown.
  io::Result<std::string> start_saga(io::Env& env, const std::string& type,
                                     const std::string& data_json, const std::string& key);
  // Reads everything the checker needs. Retries (bounded) while stores are unreachable.
  io::Result<SagaFinalState> read_final(io::Env& env);
  // Unfinished sagas right now (harness read), or an error.
  io::Result<std::size_t> count_unfinished(io::Env& env);
  // Restarts a crashed service node (and waits a little for it to come up).
  void restart(int node);

 private:
  struct NodeStores;
  std::shared_ptr<void> setup_node(int node, io::Env& env);
  void service_main(int node, io::Env& env);
  io::Handler orchestrator_handler(saga::Orchestrator* orchestrator);

  SagaWorldOptions options_;
  sim::Simulator sim_;
  sim::pg::PgCluster pg_;
  std::unique_ptr<sim::redis::RedisServer> redis_;
  std::unique_ptr<sim::kafka::KafkaBroker> kafka_;
  // The current incarnation's stores of each node (set by the setup hook, kept alive by it).
  std::map<int, NodeStores*> stores_;
};

}  // namespace fl::scenarios
