// `faultline serve`: the production face. Runs registered services (compose/service.h) as real
// HTTP services on the real/ runtime — each in a ServiceHost (compose/host.h), the same assembly
// the harness runs in simulation — with PostgreSQL (PgStore), Redis (RedisCache) and Kafka
// (KafkaLog, or librdkafka's in-process mock cluster with `--kafka mock`), each only if one of
// the services uses it. The command line (cli/cmd_serve.cc) fills a ServeConfig.
//
// Ports: each service's default port (the seeds': saga 8080, inventory 8081, ...) shifted by
// port_base - 8080; port_base 0 = ephemeral ports (logged); `port` serves the one service named.
// Start-up: while a store is unreachable a service retries its start (init and recovery) every
// kServeStartRetryNs, at most kMaxServeStartAttempts times, then `serve` exits with status 3. It
// listens only once it has started, so a port that answers belongs to a recovered service.
// Limits: the HTTP transport (real/http_rpc.h) listens on 127.0.0.1 only; `--kafka mock` is a
// cluster inside this process, so services that must share it run in one `serve` process.
// Logs: JSON lines on stderr (api/log.h). SIGINT/SIGTERM: stop accepting, finish the requests in
// flight, exit 0 (durable state is in the stores; unacknowledged Kafka offsets are redelivered
// to the next run, which the services deduplicate).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compose/service.h"
#include "system/api/log.h"

namespace fl::serve {

struct ServeConfig {
  std::vector<std::string> services;         // registered service names
  int port_base = compose::kSeedPortBase;    // 0: ephemeral
  int port = 0;                              // the one service's port (--port); 0: from port_base
  std::string node_name;                     // the one service's node name; "": its own
  std::string bind = "127.0.0.1";            // the address every service listens on (IPv4/6)
  std::map<std::string, std::string> peers;  // node name -> host:port (Transport::call)
  std::string pg;                            // libpq conninfo or URI; "" = PG* variables
  std::string redis;                         // redis://host:port
  std::string kafka;                         // bootstrap servers, or "mock"
  bool kafka_topics_provisioned = false;     // --kafka-topics provisioned: only check they exist
  api::LogLevel log_level = api::LogLevel::kInfo;
  // On SIGTERM/SIGINT: readiness turns 503 at once, the listeners close drain_ms later (time for
  // a load balancer to notice), then running handlers get kStopGraceNs to answer.
  std::int64_t drain_ms = 1000;
  // Per service: its options, resolved (compose::resolve_service_options).
  std::map<std::string, nlohmann::json> options;
};

constexpr int kMaxServeStartAttempts = 300;
constexpr std::int64_t kMaxDrainMs = 60'000;
constexpr std::int64_t kServeStartRetryNs = 200 * io::kNsPerMs;

// The port `info` listens on under `config` (0 when ephemeral).
std::uint16_t serve_port(const ServeConfig& config, const compose::ServiceInfo& info);

// Which stores the configured services need, and whether `config` says where each is: "" or
// what is missing ("no Redis: pass --redis ... or set REDIS_URL").
std::string check_stores(const ServeConfig& config);

// Serves until SIGINT or SIGTERM. Returns the exit code (0, or 3 when a service could not start
// or listen). REQUIRES: config checked (check_stores) and every service registered.
int serve_main(const ServeConfig& config);

}  // namespace fl::serve
