// The harness runtime in real mode (see harness_real.h).
#include "scenarios/harness_real.h"

#include <map>

#include "real/fault/kafka_mock_node.h"
#include "real/fault/process_control.h"
#include "real/fault/real_fault_port.h"
#include "real/fault/throwaway_servers.h"
#include "real/fiber_runtime.h"
#include "real/kafka_log.h"
#include "real/node_runtime.h"
#include "real/pg_store.h"
#include "real/redis_cache.h"
#include "system/io/assert.h"

namespace fl::scenarios {
namespace {

namespace fault = real::fault;

// Each client's own store sessions (a PgStore is a connection pool of its own).
struct RealClientSlot {
  RealClientSlot(io::Env& harness, io::Random r)
      : random(r), env{harness.clock, random, harness.tasks, harness.transport} {}
  io::Random random;
  io::Env env;
  std::unique_ptr<real::PgStore> sql;
  std::unique_ptr<real::RedisCache> cache;
  std::unique_ptr<real::KafkaLog> events;
};

std::string psql_settings(std::uint16_t port, const std::string& settings) {
  return "psql -h 127.0.0.1 -p " + std::to_string(port) +
         " -U postgres -d postgres -qAt -c \"ALTER SYSTEM SET " + settings +
         "\" -c \"SELECT pg_reload_conf()\"";
}

class RealRuntime final : public Runtime {
 public:
  static constexpr std::size_t kIdlePgConnectionsPerClient = 2;

  RealRuntime(const RuntimeOptions& options, const Topology& topology)
      : options_(options), topology_(topology), random_(options.seed) {}

  std::string build();

  std::string mode() const override { return "real"; }
  nemeses::FaultPort& faults() override { return *port_; }
  std::vector<std::string> node_names() const override { return port_->nodes(); }
  std::int64_t now_ns() override { return clock_.monotonic_ns() - start_ns_; }
  void sleep_until_ns(std::int64_t at_ns) override {
    const std::int64_t wait = at_ns - now_ns();
    if (wait > 0) clock_.sleep_ns(wait);
  }
  io::Random& random() override { return random_; }
  io::Env& client_env(int client) override;
  void spawn(std::string name, std::function<void()> body) override {
    FL_ASSERT_MSG(harness_ != nullptr, "spawn outside run()");
    harness_->env().tasks.spawn(std::move(name), std::move(body));
  }
  RuntimeReport run(std::function<void(Runtime&)> driver) override;

 private:
  std::string check_topology() const;

  RuntimeOptions options_;
  Topology topology_;
  io::Random random_;
  real::RealClock clock_;
  std::int64_t start_ns_ = clock_.monotonic_ns();
  std::unique_ptr<fault::ThrowawayServers> servers_;
  std::unique_ptr<fault::KafkaMockNode> kafka_;
  std::unique_ptr<fault::RealFaultPort> port_;  // destroyed before the servers and Kafka
  real::RealNode* harness_ = nullptr;
  std::map<int, std::unique_ptr<RealClientSlot>> clients_;
  bool ran_ = false;
};

std::string RealRuntime::check_topology() const {
  const StoreTopology& st = topology_.stores;
  if (st.pg_servers < 0 || st.pg_servers > 2) {
    return "topology.pg_servers: real mode runs 0, 1 or 2 PostgreSQL servers (a primary and one "
           "streaming replica), got " +
           std::to_string(st.pg_servers);
  }
  if (st.pg_synchronous_replication && st.pg_servers != 2) {
    return "topology.pg_synchronous_replication: needs pg_servers = 2";
  }
  const std::string& p = st.redis_persistence;
  if (p != "off" && p != "everysec" && p != "always") {
    return "topology.redis_persistence: expected \"off\", \"everysec\" or \"always\"";
  }
  if (!topology_.services.empty()) {
    return "topology.system: real mode runs the stores only so far; service node '" +
           topology_.services.front().name + "' cannot run in real mode yet";
  }
  return "";
}

std::string RealRuntime::build() {
  if (std::string e = check_topology(); !e.empty()) return e;
  const StoreTopology& st = topology_.stores;
  fault::ServersOptions so;
  // Under kill -9, appendfsync always and everysec behave alike: both write the AOF before the
  // reply, and only an OS crash (which we cannot cause) separates them.
  so.redis_appendonly = st.redis_persistence != "off";
  std::string error;
  servers_ = fault::ThrowawayServers::start(so, &error);
  if (servers_ == nullptr) return "real mode: " + error;
  std::vector<fault::ServerNode> nodes;
  for (fault::ServerNode n : servers_->nodes()) {
    if (n.name == "pg" && st.pg_servers >= 1) {
      n.name = "pg1";
      if (!st.pg_synchronous_commit) n.unsynced_refusal.clear();  // WAL buffers die with it
      nodes.push_back(n);
    } else if (n.name == "pg-replica" && st.pg_servers == 2) {
      n.name = "pg2";
      nodes.push_back(n);
    } else if (n.name == "redis" && st.redis) {
      nodes.push_back(n);
    }
  }
  std::vector<fault::ReplicationLink> links;
  if (st.pg_servers == 2) {
    fault::ReplicationLink link = servers_->links().front();
    link.upstream = "pg1";
    link.downstream = "pg2";
    links.push_back(link);
  }
  if (!st.pg_synchronous_commit) {
    error = fault::run_command(psql_settings(servers_->pg_port(), "synchronous_commit = off"));
  }
  if (error.empty() && st.pg_synchronous_replication) {
    error = fault::run_command(
        psql_settings(servers_->pg_port(), "synchronous_standby_names = 'replica'"));
  }
  if (!error.empty()) return "real mode: " + error;
  if (nodes.empty() && !st.kafka) {
    return "topology: real mode needs at least one server (pg_servers >= 1 or redis = true)";
  }
  port_ = fault::RealFaultPort::create(clock_, nodes, links, options_.seed, &error);
  if (port_ == nullptr) return "real mode: " + error;
  if (st.kafka) {
    kafka_ = std::make_unique<fault::KafkaMockNode>(1);
    error = port_->add_controlled_node(kafka_->controlled_node("kafka"));
  }
  return error.empty() ? "" : "real mode: " + error;
}

io::Env& RealRuntime::client_env(int client) {
  FL_ASSERT(client >= 0 && client < kMaxClients);
  FL_ASSERT_MSG(harness_ != nullptr, "client_env outside run()");
  auto it = clients_.find(client);
  if (it != clients_.end()) return it->second->env;
  auto slot = std::make_unique<RealClientSlot>(
      harness_->env(), random_.fork("client").fork(static_cast<std::uint64_t>(client)));
  const StoreTopology& st = topology_.stores;
  if (st.pg_servers >= 1) {
    slot->sql = std::make_unique<real::PgStore>(
        fault::pg_conninfo(port_->client_port("pg1"), "postgres"), kIdlePgConnectionsPerClient);
    slot->env.sql = slot->sql.get();
  }
  if (st.redis) {
    slot->cache = std::make_unique<real::RedisCache>("127.0.0.1", port_->client_port("redis"));
    slot->env.cache = slot->cache.get();
  }
  if (kafka_ != nullptr) {
    real::KafkaOptions ko;
    ko.brokers = kafka_->bootstraps();
    ko.client_id = "client-" + std::to_string(client);
    fault::KafkaMockNode* cluster = kafka_.get();
    ko.create_topic_via = [cluster](const std::string& t, int n) {
      return cluster->create_topic(t, n);
    };
    slot->events = std::make_unique<real::KafkaLog>(ko);
    slot->env.events = slot->events.get();
  }
  io::Env& env = slot->env;
  clients_.emplace(client, std::move(slot));
  return env;
}

RuntimeReport RealRuntime::run(std::function<void(Runtime&)> driver) {
  FL_ASSERT_MSG(!ran_, "Runtime::run may be called once");
  ran_ = true;
  RuntimeReport report;
  real::run_fibers([&] {
    real::RealNode harness("harness", options_.seed, {}, 0);
    harness_ = &harness;
    start_ns_ = clock_.monotonic_ns();
    try {
      driver(*this);
    } catch (const std::exception& e) {
      report.problems.push_back(std::string("harness: the driver threw: ") + e.what());
    }
    report.elapsed_ns = now_ns();
    clients_.clear();  // sessions close on the fiber thread
    harness_ = nullptr;
  });
  nlohmann::json proxies = nlohmann::json::object();
  for (const auto& name : port_->nodes()) {
    if (name == "kafka") continue;  // no proxy: the mock's own controls
    const fault::ProxyStats s = port_->client_proxy(name).stats();
    proxies[name] = {{"accepted", s.accepted},
                     {"refused", s.refused},
                     {"reset", s.reset},
                     {"bytes_to_server", s.forwarded_bytes[0]},
                     {"bytes_to_client", s.forwarded_bytes[1]}};
  }
  report.stats = {
      {"elapsed_ns", report.elapsed_ns}, {"servers_dir", servers_->dir()}, {"proxies", proxies}};
  report.trace_lines.push_back("real mode: servers in " + servers_->dir());
  return report;
}

}  // namespace

std::unique_ptr<Runtime> make_real_runtime(const RuntimeOptions& options, const Topology& topology,
                                           std::string* error) {
  FL_ASSERT(error != nullptr);
  auto runtime = std::make_unique<RealRuntime>(options, topology);
  *error = runtime->build();
  if (!error->empty()) return nullptr;
  return runtime;
}

}  // namespace fl::scenarios
