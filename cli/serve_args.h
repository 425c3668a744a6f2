// `faultline serve [<service|system|all>...] [options]`: the command line of the production face
// (serve/serve.h), with the seeds' environment variables as fallbacks for every flag:
//
//   --port-base N (FL_PORT_BASE)  default ports shifted: the seeds' 8080.. become N..; 0 =
//   ephemeral
//   --port P                      the one named service's port
//   --node-name NAME              the one named service's node name (default: its own)
//   --peer NAME=HOST:PORT ...     other nodes this one calls by name
//   --pg CONNINFO (POSTGRES_URL, else libpq's PG* variables)   --redis URL (REDIS_URL)
//   --kafka BROKERS|mock (KAFKA_BROKERS)   --kafka-topics create|provisioned (KAFKA_TOPICS)
//   --log-level debug|info|warn|error (LOG_LEVEL)
//   --drain-ms N (FL_DRAIN_MS)    on SIGTERM: /health/ready 503 for N ms before the listeners
//                                 close (default 1000, at most 60000)
//   and each named service's own options (compose/service.h ServiceOption: flag and variable),
//   e.g. --step-timeout-ms (SAGA_STEP_TIMEOUT_MS) for the saga orchestrator.
//
// Names: a service ("saga", "inventory", "echo"), a system (all its services; a service of the
// same name wins: "saga" is the orchestrator), or "all": every service with a port of the seeds.
// None: all.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "serve/serve.h"

namespace fl::cli {

using GetEnv = std::function<const char*(const char*)>;

// Parses the arguments after `serve`, filling unset options from `getenv`. "" or the problem.
std::string parse_serve_config(const std::vector<std::string>& args, const GetEnv& getenv,
                               serve::ServeConfig* config);

}  // namespace fl::cli
