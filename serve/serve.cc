// `faultline serve` (serve.h): one RealNode per service, each with its own store clients and HTTP
// port, all on this process' fiber runtime, each service in a ServiceHost.
#include "serve/serve.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

#include "compose/host.h"
#include "real/http_rpc.h"
#include "real/kafka_log.h"
#include "real/node_runtime.h"
#include "real/stores_from_env.h"
#include "serve/topics.h"
#include "system/io/assert.h"

namespace fl::serve {
namespace {

constexpr int kExitPass = 0;
constexpr int kExitHarness = 3;
constexpr std::int64_t kStopPollNs = 50 * io::kNsPerMs;
constexpr std::int64_t kStopGraceNs = 5 * io::kNsPerSec;

volatile std::sig_atomic_t g_stop_signal = 0;  // set by the SIGINT/SIGTERM handler only
extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

void write_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

// One service: its node (clock, tasks, HTTP transport), store clients and host. Members are
// destroyed in reverse order: the host before the stores.
struct Slot {
  const compose::ServiceInfo* info = nullptr;
  std::unique_ptr<real::RealNode> node;
  std::unique_ptr<real::PgStore> sql;
  std::unique_ptr<real::RedisCache> cache;
  std::unique_ptr<real::KafkaLog> events;
  std::unique_ptr<compose::ServiceHost> host;
};

io::Status open_stores(const ServeConfig& config, real::KafkaMockCluster* mock, Slot* slot) {
  io::Env& env = slot->node->env();
  if (slot->info->sql) {
    slot->sql = real::sql_from_env(config.pg);
    env.sql = slot->sql.get();
  }
  if (slot->info->cache) {
    auto cache = real::cache_from_env(config.redis);
    if (!cache.is_ok()) return cache.status();
    slot->cache = std::move(cache.value());
    env.cache = slot->cache.get();
  }
  if (!slot->info->events) return io::Status::ok();
  real::KafkaOptions o;
  o.client_id = "faultline-" + slot->info->name;
  if (mock != nullptr) {
    o.brokers = mock->bootstraps();
    o.create_topic_via = [mock](const std::string& t, int n) { return mock->create_topic(t, n); };
  } else {
    o.brokers = config.kafka;
  }
  if (config.kafka_topics_provisioned) {
    io::Clock* clock = &env.clock;
    o.create_topic_via = [clock, brokers = o.brokers](const std::string& t, int n) {
      return check_provisioned_topic(*clock, brokers, t, n);
    };
  }
  slot->events = std::make_unique<real::KafkaLog>(o);
  env.events = slot->events.get();
  return io::Status::ok();
}

std::unique_ptr<Slot> make_slot(const ServeConfig& config, const compose::ServiceInfo& info,
                                std::uint64_t seed) {
  auto slot = std::make_unique<Slot>();
  slot->info = &info;
  const std::string node = config.node_name.empty() ? info.node : config.node_name;
  slot->node = std::make_unique<real::RealNode>(node, seed, config.peers, serve_port(config, info),
                                                config.bind);
  return slot;
}

std::unique_ptr<compose::ServiceHost> make_host(const ServeConfig& config, Slot& slot) {
  compose::HostOptions host;
  host.log_level = config.log_level;
  host.log_sink = write_line;
  host.max_start_attempts = kMaxServeStartAttempts;
  host.start_retry_ns = kServeStartRetryNs;
  const auto it = config.options.find(slot.info->name);
  nlohmann::json options = it == config.options.end() ? nlohmann::json() : it->second;
  return std::make_unique<compose::ServiceHost>(*slot.info, slot.node->env(), options,
                                                std::move(host));
}

// Starts one service and listens. Returns false (logged) when it cannot.
// The HTTP server's connection figures (real/http_rpc.h HttpStats) on the service's /metrics:
// faultline_http_connections{state="open"} and faultline_http_connection_events{event=...}
// (monotonic counts since start, exposed as gauge samples).
void add_http_gauges(Slot& slot) {
  real::RealNode* node = slot.node.get();
  slot.host->metrics().add_gauge(
      "faultline_http_connections", "open HTTP connections", [node](auto* out) {
        out->push_back({{{"state", "open"}}, static_cast<double>(node->transport().stats().open)});
        return true;
      });
  slot.host->metrics().add_gauge(
      "faultline_http_connection_events",
      "HTTP connection events since start: accepted, evicted_idle, refused_overload (503), "
      "accept_errors, idle_timeouts, header_refusals (431)",
      [node](auto* out) {
        const real::HttpStats st = node->transport().stats();
        const std::pair<const char*, std::uint64_t> events[] = {
            {"accepted", st.accepted},
            {"evicted_idle", st.evicted_idle},
            {"refused_overload", st.refused_overload},
            {"accept_errors", st.accept_errors},
            {"idle_timeouts", st.idle_timeouts},
            {"header_refusals", st.header_refusals}};
        for (const auto& [name, value] : events) {
          out->push_back({{{"event", name}}, static_cast<double>(value)});
        }
        return true;
      });
}

bool start_slot(const ServeConfig& config, real::KafkaMockCluster* mock, Slot& slot) {
  if (io::Status s = open_stores(config, mock, &slot); !s.is_ok()) {
    write_line("{\"level\":\"error\",\"service\":\"" + slot.info->name +
               "\",\"msg\":\"stores\",\"error\":" + nlohmann::json(s.to_string()).dump() + "}");
    return false;
  }
  slot.host = make_host(config, slot);
  api::Logger& log = slot.host->log();
  if (slot.sql) {
    // PostgreSQL's notices as log lines (NOTICE at debug: "relation ... exists, skipping" on
    // every start; WARNING and above at warn), not libpq's bare lines on stderr.
    slot.sql->set_notice_sink([&log](const std::string& text) {
      const bool notice = text.rfind("NOTICE:", 0) == 0 || text.rfind("INFO:", 0) == 0 ||
                          text.rfind("DEBUG:", 0) == 0 || text.rfind("LOG:", 0) == 0;
      log.log(notice ? api::LogLevel::kDebug : api::LogLevel::kWarn, "postgres notice",
              {{"text", text.substr(0, 1000)}});
    });
  }
  if (io::Status s = slot.host->start(); !s.is_ok()) {
    log.error("start failed", {{"error", s.to_string()}});
    return false;
  }
  add_http_gauges(slot);
  try {
    slot.node->transport().serve(slot.host->handler());
  } catch (const std::exception& e) {  // a port in use
    log.error("cannot listen", {{"port", serve_port(config, *slot.info)}, {"error", e.what()}});
    return false;
  }
  log.info("listening",
           {{"port", slot.node->transport().port()},
            {"address", config.bind},
            {"node", slot.node->env().tasks.node_name()},
            {"kafka", mock != nullptr ? "mock at " + mock->bootstraps() : config.kafka}});
  return true;
}

// Each service's consumer leaves its group, so that another instance takes its partitions now
// rather than after the session timeout (offsets are committed after every batch already).
void leave_consumer_groups(io::Clock& clock, std::vector<std::unique_ptr<Slot>>& slots) {
  for (auto& slot : slots) {
    if (!slot->events) continue;
    const std::int64_t began = clock.monotonic_ns();
    const bool left = slot->events->leave_group();
    const double ms = static_cast<double>(clock.monotonic_ns() - began) / 1e6;
    if (left) {
      slot->host->log().info("left the consumer group", {{"ms", ms}});
    } else {
      slot->host->log().warn("could not leave the consumer group in time", {{"ms", ms}});
    }
  }
}

// Runs on the main fiber: starts every service, serves until a signal, stops.
int run_services(const ServeConfig& config, real::KafkaMockCluster* mock) {
  const std::uint64_t seed = static_cast<std::uint64_t>(
      std::chrono::system_clock::now().time_since_epoch().count());  // ids only, not a sim seed
  // Deliberately never freed: the services' parked fibers use the slots until the process ends
  // (serve_main's _Exit), and destroying them earlier would let those fibers see freed memory.
  auto& slots = *new std::vector<std::unique_ptr<Slot>>();
  for (const auto& name : config.services) {
    const compose::ServiceInfo* info = compose::find_service(name);
    FL_ASSERT_MSG(info != nullptr, "unknown service " << name);
    slots.push_back(make_slot(config, *info, seed + slots.size()));
    if (!start_slot(config, mock, *slots.back())) return kExitHarness;
  }
  io::Clock& clock = slots.front()->node->env().clock;
  while (g_stop_signal == 0) clock.sleep_ns(kStopPollNs);  // ends only by a signal
  for (auto& slot : slots) {
    slot->host->begin_drain();
    slot->host->log().info(
        "draining", {{"signal", static_cast<int>(g_stop_signal)}, {"drain_ms", config.drain_ms}});
  }
  clock.sleep_ns(config.drain_ms * io::kNsPerMs);  // /health/ready says 503 meanwhile
  for (auto& slot : slots) {
    slot->host->log().info("stopping", {{"signal", static_cast<int>(g_stop_signal)}});
    slot->node->transport().stop();
  }
  // Requests in flight finish and are answered (their connections then close), for at most
  // kStopGraceNs.
  const io::Deadline grace = clock.deadline_after_ns(kStopGraceNs);
  auto busy = [&] {
    std::uint64_t open = 0;
    for (auto& slot : slots) open += slot->node->transport().stats().open;
    return open;
  };
  while (busy() > 0 && clock.monotonic_ns() < grace.monotonic_ns) clock.sleep_ns(kStopPollNs / 5);
  if (const std::uint64_t left = busy(); left > 0) {
    slots.front()->host->log().warn("stopping with requests in flight", {{"connections", left}});
  }
  leave_consumer_groups(clock, slots);
  return kExitPass;
}

bool any_uses_events(const ServeConfig& config) {
  for (const auto& name : config.services) {
    const compose::ServiceInfo* info = compose::find_service(name);
    if (info != nullptr && info->events) return true;
  }
  return false;
}

}  // namespace

std::uint16_t serve_port(const ServeConfig& config, const compose::ServiceInfo& info) {
  if (config.port != 0) {
    FL_ASSERT_EQ(config.services.size(), 1u);
    return static_cast<std::uint16_t>(config.port);
  }
  if (config.port_base == 0 || info.default_port == 0) return 0;
  return static_cast<std::uint16_t>(config.port_base +
                                    (info.default_port - compose::kSeedPortBase));
}

std::string check_stores(const ServeConfig& config) {
  bool sql = false, cache = false, events = false;
  for (const auto& name : config.services) {
    const compose::ServiceInfo* info = compose::find_service(name);
    if (info == nullptr) return "unknown service '" + name + "'";
    sql = sql || info->sql;
    cache = cache || info->cache;
    events = events || info->events;
  }
  if (cache && config.redis.empty()) {
    return "no Redis: pass --redis redis://host:port or set REDIS_URL";
  }
  if (events && config.kafka.empty()) {
    return "no Kafka: pass --kafka host:port[,host:port] (or 'mock') or set KAFKA_BROKERS";
  }
  if (events && config.kafka_topics_provisioned && config.kafka == "mock") {
    return "--kafka-topics provisioned needs brokers of their own, not --kafka mock (the mock "
           "starts empty inside this process)";
  }
  (void)sql;  // PostgreSQL falls back to libpq's PG* variables and defaults
  return "";
}

int serve_main(const ServeConfig& config) {
  FL_ASSERT(!config.services.empty());
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<real::KafkaMockCluster> mock;
  if (config.kafka == "mock" && any_uses_events(config)) {
    mock = std::make_unique<real::KafkaMockCluster>(1);
  }
  int code = kExitHarness;
  real::run_fibers([&] { code = run_services(config, mock.get()); });
  std::fflush(stdout);
  std::fflush(stderr);
  // The services' consumer and relay fibers run until the process ends (they have no stop of
  // their own): end it here, without unwinding objects those parked fibers still use.
  std::_Exit(code);
}

}  // namespace fl::serve
