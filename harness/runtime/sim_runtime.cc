// The harness runtime in simulation: one sim::Simulator per run with the topology's simulated
// PostgreSQL (PgCluster: "pg1" primary, "pg2".. async replicas), Redis ("redis") and Kafka
// ("kafka") nodes and the systems' service nodes. Client processes run as fibers of the harness
// node, each with its own store sessions and Random stream.
#include <map>

#include "harness/durable_probes.h"
#include "harness/runtime.h"
#include "sim/coord/sim_coord.h"
#include "sim/kafka/sim_event_log.h"
#include "sim/local_disk.h"
#include "sim/pg/sim_sql_store.h"
#include "sim/redis/sim_redis.h"
#include "sim/sim_fault_port.h"
#include "system/io/assert.h"

namespace fl::harness {
namespace {

// The stores a node (or client) session uses, owned together, with the node's durable-step
// probes when the run enumerates crash points.
struct Sessions {
  std::unique_ptr<sim::pg::SimSqlStore> sql;
  std::unique_ptr<sim::redis::SimKvCache> cache;
  std::unique_ptr<sim::kafka::SimEventLog> events;
  std::unique_ptr<sim::SimLocalStore> local;
  std::vector<std::unique_ptr<sim::pg::SimSqlStore>> shards;  // one per shard server
  std::vector<io::SqlStore*> shard_stores;                    // (probed) shard sessions
  std::shared_ptr<io::SqlStore> client_sql;                   // Topology::client_sql's store
  std::unique_ptr<sim::coord::SimCoordStore> coord;
  ProbedStores probes;
};

struct ClientSlot {
  ClientSlot(io::Env& harness, io::Random random)
      : random(random), env{harness.clock, this->random, harness.tasks, harness.transport} {}
  io::Random random;
  io::Env env;
  Sessions sessions;
};

class SimRuntime final : public Runtime {
 public:
  SimRuntime(const RuntimeOptions& options, const Topology& topology)
      : options_(options), topology_(topology), sim_(sim_options(options)) {}

  std::string build() {
    const StoreTopology& st = topology_.stores;
    if (st.pg_servers < 0 || st.pg_servers > sim::pg::PgCluster::kMaxServers) {
      return "topology.pg_servers: expected 0..8";
    }
    if (st.pg_servers > 0) {
      sim::pg::PgOptions pg;
      pg.synchronous_commit = st.pg_synchronous_commit;
      pg.synchronous_replication = st.pg_synchronous_replication;
      pg.bug_serializable_without_validation = st.pg_bug == "serializable-without-validation";
      pg.bug_replica_reads_as_primary = st.pg_bug == "replica-reads-as-primary";
      pg_ = std::make_unique<sim::pg::PgCluster>(&sim_, pg);
      for (int i = 1; i <= st.pg_servers; ++i) {
        targets_.push_back(pg_->add_server("pg" + std::to_string(i)));
      }
    }
    if (st.pg_shards < 0 || st.pg_shards > kMaxShardServers) {
      return "topology.pg_shards: expected 0..8";
    }
    for (int i = 1; i <= st.pg_shards; ++i) {
      sim::pg::PgOptions pg;
      pg.synchronous_commit = st.pg_synchronous_commit;
      shards_.push_back(std::make_unique<sim::pg::PgCluster>(&sim_, pg));
      targets_.push_back(shards_.back()->add_server("shard" + std::to_string(i)));
    }
    if (st.redis) {
      sim::redis::RedisOptions ro;
      const std::string& p = st.redis_persistence;
      if (p != "off" && p != "everysec" && p != "always") {
        return "topology.redis_persistence: expected \"off\", \"everysec\" or \"always\"";
      }
      ro.persistence = p == "off"        ? sim::redis::Persistence::kOff
                       : p == "everysec" ? sim::redis::Persistence::kEverySec
                                         : sim::redis::Persistence::kAlways;
      redis_ = std::make_unique<sim::redis::RedisServer>(&sim_, "redis", ro);
      targets_.push_back(redis_->node());
    }
    if (st.kafka) {
      sim::kafka::KafkaOptions ko;
      ko.bug_commit_before_processing = st.kafka_bug == "commit-before-processing";
      kafka_ = std::make_unique<sim::kafka::KafkaBroker>(&sim_, "kafka", ko);
      targets_.push_back(kafka_->node());
    }
    if (st.coord) {
      coord_ = std::make_unique<sim::coord::CoordServer>(&sim_, "etcd", sim::coord::CoordOptions{});
      targets_.push_back(coord_->node());
    }
    for (const ServiceNode& service : topology_.services) {
      if (sim_.find_node(service.name) >= 0) return "duplicate node name '" + service.name + "'";
      const int node = sim_.add_node(service.name, service.main);
      sim_.set_node_setup(node, [this, service](int n, io::Env& env) {
        return attach(n, env, service, service.name);
      });
      targets_.push_back(node);
    }
    std::vector<std::string> names;
    for (int t : targets_) names.push_back(sim_.node_name(t));
    faults_ = std::make_unique<sim::SimFaultPort>(sim_, names);
    if (pg_) sim::add_store_nodes(*faults_, *pg_);
    for (auto& shard : shards_) sim::add_store_nodes(*faults_, *shard);
    if (redis_) sim::add_store_nodes(*faults_, *redis_);
    if (kafka_) sim::add_store_nodes(*faults_, *kafka_);
    if (coord_) faults_->add_store_node("etcd");  // every acknowledged write is durable
    return "";
  }

  std::string mode() const override { return "sim"; }
  nemeses::FaultPort& faults() override { return *faults_; }
  std::vector<std::string> node_names() const override { return faults_->nodes(); }
  std::int64_t now_ns() override { return sim_.now_ns(); }
  void sleep_until_ns(std::int64_t at_ns) override { sim_.sleep_until(at_ns); }
  io::Random& random() override { return sim_.random(); }

  io::Env& client_env(int client) override {
    FL_ASSERT(client >= 0 && client < kMaxClients);
    FL_ASSERT_MSG(harness_env_ != nullptr, "client_env outside run()");
    auto it = clients_.find(client);
    if (it != clients_.end()) return it->second->env;
    auto slot = std::make_unique<ClientSlot>(
        *harness_env_, sim_.random().fork("client").fork(static_cast<std::uint64_t>(client)));
    slot->sessions = sessions(sim::Simulator::kHarnessNode, slot->random, true, true, true,
                              "client-" + std::to_string(client), &slot->env.clock, true);
    slot->env.sql = slot->sessions.sql.get();
    slot->env.cache = slot->sessions.cache.get();
    slot->env.events = slot->sessions.events.get();
    if (coord_) {
      slot->sessions.coord = std::make_unique<sim::coord::SimCoordStore>(
          coord_.get(), sim::Simulator::kHarnessNode, slot->random.fork(4));
      slot->env.coord = slot->sessions.coord.get();
    }
    // The harness never crashes, so a client's disk is a plain simulated one (devices that the
    // workload plays itself keep their local replicas there).
    slot->sessions.local = std::make_unique<sim::SimLocalStore>(
        &sim_, &disks_.disk("client-" + std::to_string(client)));
    slot->env.local = slot->sessions.local.get();
    if (topology_.client_sql) {
      slot->sessions.client_sql = topology_.client_sql(slot->env, slot->sessions.shard_stores);
      FL_ASSERT(slot->sessions.client_sql != nullptr);
      slot->env.sql = slot->sessions.client_sql.get();
    }
    io::Env& env = slot->env;
    clients_.emplace(client, std::move(slot));
    return env;
  }

  void spawn(std::string name, std::function<void()> body) override {
    sim_.spawn(sim::Simulator::kHarnessNode, std::move(name), std::move(body));
  }

  RuntimeReport run(std::function<void(Runtime&)> driver) override {
    sim::RunReport r = sim_.run([&](io::Env& env) {
      harness_env_ = &env;
      env.clock.sleep_ns(io::kNsPerMs);  // let the servers start
      driver(*this);
    });
    RuntimeReport report;
    report.trace_hash = r.trace_hash;
    report.events = r.events;
    report.elapsed_ns = r.virtual_ns;
    report.limit_hit = r.limit_hit;
    if (r.limit_hit) report.problems.push_back(r.limit_message);
    for (const auto& f : r.fiber_failures) report.problems.push_back(f);
    report.trace_lines = sim_.trace().lines();
    report.stats = {{"events", r.events},
                    {"virtual_ns", r.virtual_ns},
                    {"network",
                     {{"sent", r.network.sent},
                      {"delivered", r.network.delivered},
                      {"lost", r.network.lost},
                      {"partitioned", r.network.partitioned},
                      {"duplicated", r.network.duplicated},
                      {"refused", r.network.refused},
                      {"resets", r.network.resets}}}};
    clients_.clear();
    return report;
  }

 private:
  static sim::SimOptions sim_options(const RuntimeOptions& o) {
    sim::SimOptions s;
    s.seed = o.seed;
    s.max_time_ns = o.max_time_ns;
    return s;
  }

  Sessions sessions(int node, io::Random& random, bool sql, bool cache, bool events,
                    const std::string& member, io::Clock* clock, bool shards) {
    Sessions s;
    if (sql && pg_) s.sql = std::make_unique<sim::pg::SimSqlStore>(pg_.get(), node, random.fork(1));
    for (std::size_t i = 0; shards && i < shards_.size(); ++i) {
      s.shards.push_back(std::make_unique<sim::pg::SimSqlStore>(
          shards_[i].get(), node, random.fork(4).fork(static_cast<std::uint64_t>(i))));
      s.shard_stores.push_back(s.shards.back().get());
    }
    if (cache && redis_) {
      s.cache = std::make_unique<sim::redis::SimKvCache>(redis_.get(), node, random.fork(2));
    }
    if (events && kafka_) {
      s.events = std::make_unique<sim::kafka::SimEventLog>(kafka_.get(), node, clock, member,
                                                           random.fork(3));
    }
    return s;
  }

  std::shared_ptr<void> attach(int node, io::Env& env, const ServiceNode& service,
                               const std::string& name) {
    auto owned = std::make_shared<Sessions>(sessions(node, env.random, service.sql, service.cache,
                                                     service.events, name, &env.clock,
                                                     service.shards != nullptr));
    env.sql = owned->sql.get();
    env.cache = owned->cache.get();
    env.events = owned->events.get();
    if (service.coord && coord_) {
      owned->coord =
          std::make_unique<sim::coord::SimCoordStore>(coord_.get(), node, env.random.fork(4));
      env.coord = owned->coord.get();
    }
    if (service.local) {
      owned->local = std::make_unique<sim::SimLocalStore>(&sim_, &disks_.disk(name));
      env.local = owned->local.get();
    }
    if (options_.durable_step_hook) {
      owned->probes = probe_stores(
          env, [this, name](const char* kind) { return options_.durable_step_hook(name, kind); },
          [this, name] { crash_and_restart_later(name); }, &owned->shard_stores);
    }
    if (service.shards) service.shards->stores = owned->shard_stores;
    return owned;
  }

  // A crash point: kill -9 now, restart restart_after_ns later (both through the fault port, so
  // heal_all() knows of them).
  void crash_and_restart_later(const std::string& name) {
    const std::string killed = faults_->kill(name, false);
    FL_ASSERT_MSG(killed.empty(), "crash point on " << name << ": " << killed);
    const std::int64_t at = sim_.now_ns() + options_.restart_after_ns;
    sim_.spawn(sim::Simulator::kHarnessNode, "restart " + name, [this, name, at] {
      sim_.sleep_until(at);
      faults_->restart(name);  // "" or: already restarted by heal_all
    });
  }

  RuntimeOptions options_;
  Topology topology_;
  sim::Simulator sim_;
  static constexpr int kMaxShardServers = 8;
  std::unique_ptr<sim::pg::PgCluster> pg_;
  std::vector<std::unique_ptr<sim::pg::PgCluster>> shards_;  // "shard1".., one server each
  std::unique_ptr<sim::redis::RedisServer> redis_;
  std::unique_ptr<sim::kafka::KafkaBroker> kafka_;
  std::unique_ptr<sim::coord::CoordServer> coord_;
  sim::SimLocalDisks disks_;  // nodes' local disks: a crash keeps them
  std::vector<int> targets_;
  std::unique_ptr<sim::SimFaultPort> faults_;
  io::Env* harness_env_ = nullptr;
  std::map<int, std::unique_ptr<ClientSlot>> clients_;
};

}  // namespace

std::unique_ptr<Runtime> make_sim_runtime(const RuntimeOptions& options, const Topology& topology,
                                          std::string* error) {
  FL_ASSERT(error != nullptr);
  auto runtime = std::make_unique<SimRuntime>(options, topology);
  *error = runtime->build();
  if (!error->empty()) return nullptr;
  return runtime;
}

}  // namespace fl::harness
