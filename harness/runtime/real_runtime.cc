// The harness runtime in real mode (see harness_real.h).
#include "harness/runtime/real_runtime.h"

#include <unistd.h>

#include <cstdlib>
#include <map>

#include "real/fault/kafka_mock_node.h"
#include "real/fault/process_control.h"
#include "real/fault/real_fault_port.h"
#include "real/fault/service_process.h"
#include "real/fault/throwaway_servers.h"
#include "real/fiber_runtime.h"
#include "real/file_local_store.h"
#include "real/kafka_log.h"
#include "real/node_runtime.h"
#include "real/pg_store.h"
#include "real/redis_cache.h"
#include "system/io/assert.h"

namespace fl::harness {
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
  std::unique_ptr<real::FileLocalStore> local;
};

std::string psql_settings(std::uint16_t port, const std::string& settings) {
  return "psql -h 127.0.0.1 -p " + std::to_string(port) +
         " -U postgres -d postgres -qAt -c \"ALTER SYSTEM SET " + settings +
         "\" -c \"SELECT pg_reload_conf()\"";
}

// The `faultline` executable that runs service nodes: $FL_FAULTLINE, else this process when it is
// faultline itself. "" when neither.
std::string faultline_binary() {
  if (const char* e = std::getenv("FL_FAULTLINE"); e != nullptr && *e != '\0') return e;
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  const std::string path(self, static_cast<std::size_t>(n));
  const auto slash = path.rfind('/');
  return path.substr(slash == std::string::npos ? 0 : slash + 1) == "faultline" ? path : "";
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
  // Creates the services' topics, picks their ports and registers them as process nodes.
  std::string build_services();
  fault::ServiceProcessSpec service_spec(const std::string& binary, std::size_t i,
                                         const std::vector<std::uint16_t>& ports);
  // Starts every service process and waits until each serves. "" or the first error.
  std::string start_services();
  // Stops every service process; problems for any that had died by itself.
  void stop_services(RuntimeReport* report);
  nlohmann::json service_stats() const;
  bool is_service(const std::string& name) const {
    for (const auto& s : services_) {
      if (s->spec().name == name) return true;
    }
    return false;
  }

  RuntimeOptions options_;
  Topology topology_;
  io::Random random_;
  real::RealClock clock_;
  std::int64_t start_ns_ = clock_.monotonic_ns();
  std::unique_ptr<fault::ThrowawayServers> servers_;
  std::unique_ptr<fault::KafkaMockNode> kafka_;
  // The service nodes as child processes (stopped by their destructors if run() did not).
  std::vector<std::unique_ptr<fault::ServiceProcess>> services_;
  std::unique_ptr<fault::RealFaultPort> port_;  // destroyed before the services, servers, Kafka
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
  if (st.pg_shards != 0 || topology_.client_sql) {
    return "topology.pg_shards: real mode has no shard servers yet (simulation only)";
  }
  const std::string& p = st.redis_persistence;
  if (p != "off" && p != "everysec" && p != "always") {
    return "topology.redis_persistence: expected \"off\", \"everysec\" or \"always\"";
  }
  if (st.coord) {
    return "topology.coord: real mode has no coordination store yet (the etcd client exists, "
           "real/etcd_coord_store.h, but the runtime does not start etcd): run --mode sim";
  }
  for (const ServiceNode& node : topology_.services) {
    if (node.process_args.empty()) {
      return "topology.system: service node '" + node.name +
             "' has no process form, so it cannot run in real mode (known-bug switches, "
             "system_options.bug, exist in simulation only)";
    }
    if ((node.sql && st.pg_servers < 1) || (node.cache && !st.redis) ||
        (node.events && !st.kafka)) {
      return "topology: service node '" + node.name + "' needs a store the topology lacks";
    }
  }
  if (topology_.services.size() > fault::RealFaultPort::kMaxNodes / 2) {
    return "topology.system: real mode runs at most " +
           std::to_string(fault::RealFaultPort::kMaxNodes / 2) + " service processes";
  }
  return "";
}

std::string RealRuntime::build() {
  if (options_.durable_step_hook) {
    return "crash points are enumerated in simulation only (--mode sim): real mode cannot crash "
           "a server process at an exact durable step";
  }
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
  if (nodes.empty() && !st.kafka && topology_.services.empty()) {
    return "topology: real mode needs a server or a service (pg_servers >= 1, redis = true, "
           "kafka = true, or a system with services)";
  }
  port_ = fault::RealFaultPort::create(clock_, nodes, links, options_.seed, &error);
  if (port_ == nullptr) return "real mode: " + error;
  if (st.kafka) {
    kafka_ = std::make_unique<fault::KafkaMockNode>(1);
    error = port_->add_controlled_node(kafka_->controlled_node("kafka"));
  }
  if (error.empty()) error = build_services();
  return error.empty() ? "" : "real mode: " + error;
}

std::string RealRuntime::build_services() {
  if (topology_.services.empty()) return "";
  const std::string binary = faultline_binary();
  if (binary.empty()) {
    return "service nodes run as `faultline serve` processes: set FL_FAULTLINE to the faultline "
           "executable (or run from faultline itself)";
  }
  // Not from the seed alone: runs of the same seed in parallel processes (tests, sweeps) would
  // draw the same ports and reach each other's services. Real mode is not replayable anyway.
  io::Random ports = random_.fork("service ports")
                         .fork(static_cast<std::uint64_t>(::getpid()))
                         .fork(static_cast<std::uint64_t>(clock_.wall_ns()));
  std::vector<std::uint16_t> taken;
  for (const ServiceNode& node : topology_.services) {
    for (const auto& [topic, partitions] : node.kafka_topics) {
      const io::Status created = kafka_->create_topic(topic, partitions);
      if (!created.is_ok()) return "kafka topic " + topic + ": " + created.to_string();
    }
    const std::uint16_t port =
        fault::pick_service_port(taken, [&ports] { return ports.below(1ULL << 32); });
    if (port == 0) return "no free loopback port for service '" + node.name + "'";
    taken.push_back(port);
  }
  for (std::size_t i = 0; i < topology_.services.size(); ++i) {
    services_.push_back(
        std::make_unique<fault::ServiceProcess>(service_spec(binary, i, taken), clock_));
    if (std::string e = port_->add_process_node(services_.back()->process_node()); !e.empty()) {
      return e;
    }
  }
  return "";
}

// `faultline serve ...` for service node i: its own port, the stores through their proxies, and
// every other service node as a peer (so that nodes can call each other by name).
fault::ServiceProcessSpec RealRuntime::service_spec(const std::string& binary, std::size_t i,
                                                    const std::vector<std::uint16_t>& ports) {
  const ServiceNode& node = topology_.services[i];
  fault::ServiceProcessSpec spec;
  spec.name = node.name;
  spec.port = ports[i];
  spec.log_path = servers_->dir() + "/" + node.name + ".log";
  spec.argv = {binary};
  spec.argv.insert(spec.argv.end(), node.process_args.begin(), node.process_args.end());
  spec.argv.insert(spec.argv.end(), {"--port", std::to_string(ports[i]), "--log-level", "info"});
  for (std::size_t j = 0; j < topology_.services.size(); ++j) {
    if (j == i) continue;
    spec.argv.insert(spec.argv.end(), {"--peer", topology_.services[j].name +
                                                     "=127.0.0.1:" + std::to_string(ports[j])});
  }
  if (node.sql) {
    spec.argv.insert(spec.argv.end(),
                     {"--pg", fault::pg_conninfo(port_->client_port("pg1"), "postgres")});
  }
  if (node.cache) {
    spec.argv.insert(spec.argv.end(), {"--redis", "redis://127.0.0.1:" +
                                                      std::to_string(port_->client_port("redis"))});
  }
  if (node.events) {
    spec.argv.insert(spec.argv.end(),
                     {"--kafka", kafka_->bootstraps(), "--kafka-topics", "provisioned"});
  }
  return spec;
}

std::string RealRuntime::start_services() {
  for (auto& service : services_) {
    if (std::string e = service->start(); !e.empty()) return e;
  }
  return "";
}

void RealRuntime::stop_services(RuntimeReport* report) {
  for (auto& service : services_) {
    std::string why;
    if (service->died(&why)) {
      report->problems.push_back("service " + service->spec().name + " ended by itself (" + why +
                                 "); log " + service->spec().log_path);
    }
    service->stop();
  }
}

nlohmann::json RealRuntime::service_stats() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& service : services_) {
    const fault::ServiceProcessSpec& spec = service->spec();
    out[spec.name] = {{"port", spec.port},
                      {"starts", service->starts()},
                      {"unexpected_exits", service->unexpected_exits()},
                      {"log", spec.log_path}};
  }
  return out;
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
  // The client's own disk (devices the workload plays keep their local replicas there), in the
  // run's servers directory, which is removed with the servers.
  std::string error;
  slot->local = real::FileLocalStore::open(
      servers_->dir() + "/local/client-" + std::to_string(client), &error);
  FL_ASSERT_MSG(slot->local != nullptr, error);
  slot->env.local = slot->local.get();
  io::Env& env = slot->env;
  clients_.emplace(client, std::move(slot));
  return env;
}

RuntimeReport RealRuntime::run(std::function<void(Runtime&)> driver) {
  FL_ASSERT_MSG(!ran_, "Runtime::run may be called once");
  ran_ = true;
  RuntimeReport report;
  real::run_fibers([&] {
    std::map<std::string, std::string> peers;  // the service processes, by node name
    for (const auto& service : services_) {
      peers[service->spec().name] = "127.0.0.1:" + std::to_string(service->spec().port);
    }
    real::RealNode harness("harness", options_.seed, peers, 0);
    harness_ = &harness;
    const std::string started = start_services();
    start_ns_ = clock_.monotonic_ns();
    try {
      if (started.empty()) driver(*this);
    } catch (const std::exception& e) {
      report.problems.push_back(std::string("harness: the driver threw: ") + e.what());
    }
    if (!started.empty()) report.problems.push_back("real mode: " + started);
    report.elapsed_ns = now_ns();
    stop_services(&report);
    clients_.clear();  // sessions close on the fiber thread
    harness_ = nullptr;
  });
  nlohmann::json proxies = nlohmann::json::object();
  for (const auto& name : port_->nodes()) {
    if (name == "kafka" || is_service(name)) continue;  // no proxy of their own
    const fault::ProxyStats s = port_->client_proxy(name).stats();
    proxies[name] = {{"accepted", s.accepted},
                     {"refused", s.refused},
                     {"reset", s.reset},
                     {"bytes_to_server", s.forwarded_bytes[0]},
                     {"bytes_to_client", s.forwarded_bytes[1]}};
  }
  report.stats = {{"elapsed_ns", report.elapsed_ns},
                  {"servers_dir", servers_->dir()},
                  {"proxies", proxies},
                  {"services", service_stats()}};
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

}  // namespace fl::harness
