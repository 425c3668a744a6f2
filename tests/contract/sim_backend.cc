// The simulated backend: PgCluster (primary + async replica), RedisServer (persistence off) and
// KafkaBroker inside one Simulator per run.
#include "sim/kafka/sim_event_log.h"
#include "sim/pg/sim_sql_store.h"
#include "sim/redis/sim_redis.h"
#include "tests/contract/backend.h"

namespace fl::contract {
namespace {

class SimBackend final : public Backend {
 public:
  std::string name() const override { return "sim"; }

  void run(const std::function<void()>& body) override {
    sim::SimOptions options;
    options.seed = 20261123;
    sim::Simulator simulator(options);
    sim::pg::PgOptions pg;
    pg.replication_lag_min_ns = 5 * io::kNsPerMs;
    pg.replication_lag_max_ns = 50 * io::kNsPerMs;
    sim::pg::PgCluster cluster(&simulator, pg);
    const int primary = cluster.add_server("pg1");
    const int replica = cluster.add_server("pg2");
    sim::redis::RedisOptions ro;
    ro.persistence = sim::redis::Persistence::kOff;
    sim::redis::RedisServer redis(&simulator, "redis", ro);
    sim::kafka::KafkaBroker kafka(&simulator, "kafka", sim::kafka::KafkaOptions{});
    sim_ = &simulator;
    cluster_ = &cluster;
    kafka_ = &kafka;
    pg_node_ = primary;
    replica_node_ = replica;
    redis_node_ = redis.node();
    simulator.run([&](io::Env& env) {
      clock_ = &env.clock;
      sim::pg::SimSqlStore primary_store(&cluster, 0, simulator.random().fork(1), -1);
      sim::pg::SimSqlStore replica_store(&cluster, 0, simulator.random().fork(2), replica);
      sim::redis::SimKvCache cache(&redis, 0, simulator.random().fork(3));
      sql_ = &primary_store;
      replica_sql_ = &replica_store;
      cache_ = &cache;
      env.clock.sleep_ns(io::kNsPerMs);  // let the servers start
      body();
    });
  }

  io::Clock& clock() override { return *clock_; }
  io::SqlStore& sql() override { return *sql_; }
  io::SqlStore& replica_sql() override { return *replica_sql_; }
  io::KvCache& cache() override { return *cache_; }
  std::unique_ptr<io::EventLog> events(const std::string& member) override {
    return std::make_unique<sim::kafka::SimEventLog>(kafka_, 0, clock_, member,
                                                     sim_->random().fork(member));
  }
  void crash_sql() override { sim_->crash(pg_node_); }
  void restart_sql() override { restart(pg_node_); }
  void crash_cache() override { sim_->crash(redis_node_); }
  void crash_replica() override { sim_->crash(replica_node_); }
  void restart_replica() override { restart(replica_node_); }
  void promote_replica() override { cluster_->promote(replica_node_); }
  void pause_replica() override { sim_->network().set_blocked(pg_node_, replica_node_, true); }
  void resume_replica() override { sim_->network().set_blocked(pg_node_, replica_node_, false); }
  void restart_cache() override { restart(redis_node_); }
  std::int64_t session_timeout_ns() const override {
    return kafka_->options().session_timeout_ns + io::kNsPerSec;
  }

 private:
  void restart(int node) {
    sim_->restart(node);
    sim_->sleep_until(sim_->now_ns() + io::kNsPerMs);
  }

  sim::Simulator* sim_ = nullptr;
  sim::kafka::KafkaBroker* kafka_ = nullptr;
  sim::pg::PgCluster* cluster_ = nullptr;
  io::Clock* clock_ = nullptr;
  io::SqlStore* sql_ = nullptr;
  io::SqlStore* replica_sql_ = nullptr;
  io::KvCache* cache_ = nullptr;
  int pg_node_ = 0;
  int replica_node_ = 0;
  int redis_node_ = 0;
};

}  // namespace

std::unique_ptr<Backend> make_sim_backend() { return std::make_unique<SimBackend>(); }

}  // namespace fl::contract
