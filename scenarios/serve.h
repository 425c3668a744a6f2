// `faultline serve`: the production composition root. Runs the saga services as real HTTP
// services on the real/ runtime, with PostgreSQL (PgStore), Redis (RedisCache) and Kafka
// (KafkaLog, or librdkafka's in-process mock cluster with `--kafka mock`).
//
//   faultline serve [saga|inventory|payment|notification|all ...] [--port-base N] [--port P]
//                   [--pg CONNINFO] [--redis URL] [--kafka BROKERS|mock]
//                   [--kafka-topics create|provisioned] [--log-level L]
//                   [--step-timeout-ms MS] [--forward-attempts N]
//
// Ports: saga N, inventory N+1, payment N+2, notification N+3 (N = 8080 by default, as in the
// seeds; 0 = ephemeral ports, logged); `--port P` serves the one service named on P instead.
// Configuration: flags first, then the environment:
//   POSTGRES_URL (a libpq URI), else the PG* variables; REDIS_URL; KAFKA_BROKERS ("mock" allowed);
//   KAFKA_TOPICS (create: the services create their topics, the default; provisioned: the
//   operator created them and the services only check they exist, serve_topics.h);
//   LOG_LEVEL (debug|info|warn|error, default info); FL_PORT_BASE; SAGA_STEP_TIMEOUT_MS
//   (50..600000) and SAGA_FORWARD_ATTEMPTS (1..100): the orchestrator's per-step timeout and the
//   attempts of a compensable step (defaults: saga::OrchestratorOptions').
// Start-up: while a store is unreachable a service retries its start (init and recovery) every
// kServeStartRetryNs, at most kMaxServeStartAttempts times, then exits with status 3. It listens
// only once it has started, so a port that answers belongs to a recovered service.
// Limits: the HTTP transport (real/http_rpc.h) listens on 127.0.0.1 only; `--kafka mock` is a
// cluster inside this process, so services that must share it run in one `serve` process.
// Logs: JSON lines on stderr (api/log.h). SIGINT/SIGTERM: stop accepting, finish the requests in
// flight, exit 0 (durable state is in the stores; unacknowledged Kafka offsets are redelivered
// to the next run, which the services deduplicate).
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "system/api/log.h"

namespace fl::scenarios {

inline const std::vector<std::string> kServeServices = {"saga", "inventory", "payment",
                                                        "notification"};

struct ServeConfig {
  std::vector<std::string> services;      // a subset of kServeServices, in that order
  int port_base = 8080;                   // 0: ephemeral
  int port = 0;                           // the one service's port (--port); 0: from port_base
  std::string pg;                         // libpq conninfo or URI; "" = PG* variables
  std::string redis;                      // redis://host:port
  std::string kafka;                      // bootstrap servers, or "mock"
  bool kafka_topics_provisioned = false;  // --kafka-topics provisioned: only check they exist
  api::LogLevel log_level = api::LogLevel::kInfo;
  std::int64_t step_timeout_ms = 0;  // 0: the orchestrator's default
  int forward_attempts = 0;          // 0: the orchestrator's default
};

// The topic each service's /health probe produces to (created like the services' own topics).
inline constexpr const char* kServeHealthTopic = "faultline.health";
constexpr int kMaxServeStartAttempts = 300;
constexpr std::int64_t kServeStartRetryNs = 200 * 1000 * 1000;

using GetEnv = std::function<const char*(const char*)>;

// Parses the arguments after `serve`, filling unset options from `getenv`. Returns "" or an
// error text for the usage message.
std::string parse_serve_config(const std::vector<std::string>& args, const GetEnv& getenv,
                               ServeConfig* config);

// The port of `service` under `config` (0 when ephemeral).
std::uint16_t serve_port(const ServeConfig& config, const std::string& service);

int cmd_serve(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fl::scenarios
