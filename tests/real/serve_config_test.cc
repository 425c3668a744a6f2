// Proves `faultline serve`'s configuration rules (cli/serve_args.h): services by name, by system
// or all, ports from --port-base (the seeds' 8080.. by default, 0 for ephemeral), flags
// overriding the seeds' environment variables (POSTGRES_URL, REDIS_URL, KAFKA_BROKERS,
// LOG_LEVEL), each service's own options from flags or their variables, only the stores the
// named services use required, and a clear error for every bad input. The environment is a map
// here, never the process's.
#include <gtest/gtest.h>

#include <map>

#include "cli/serve_args.h"
#include "compose/saga/saga.h"

namespace fl::cli {
namespace {

using serve::ServeConfig;

struct Env {
  std::map<std::string, std::string> vars;
  GetEnv get() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

std::string parse(const std::vector<std::string>& args, const Env& env, ServeConfig* c) {
  *c = ServeConfig{};
  return parse_serve_config(args, env.get(), c);
}

int port_of(const ServeConfig& c, const std::string& service) {
  const compose::ServiceInfo* info = compose::find_service(service);
  EXPECT_NE(info, nullptr) << service;
  return info == nullptr ? -1 : serve::serve_port(c, *info);
}

const Env kStores{{{"REDIS_URL", "redis://a:1"}, {"KAFKA_BROKERS", "b:2"}}};

TEST(ServeConfig, DefaultsFromTheSeedsEnvironment) {
  Env env{{{"POSTGRES_URL", "postgresql://postgres:postgres@localhost:5432/microservices"},
           {"REDIS_URL", "redis://localhost:6379"},
           {"KAFKA_BROKERS", "localhost:9092"},
           {"LOG_LEVEL", "debug"}}};
  ServeConfig c;
  ASSERT_EQ(parse({}, env, &c), "");
  // all: every service with a seed port (the saga's four, then the other systems')
  const std::vector<std::string> all = {"saga",         "inventory", "payment",
                                        "notification", "sync",      "event-store"};
  EXPECT_EQ(c.services, all);
  EXPECT_EQ(c.pg, "postgresql://postgres:postgres@localhost:5432/microservices");
  EXPECT_EQ(c.redis, "redis://localhost:6379");
  EXPECT_EQ(c.kafka, "localhost:9092");
  EXPECT_EQ(c.log_level, api::LogLevel::kDebug);
  EXPECT_EQ(port_of(c, "saga"), 8080);
  EXPECT_EQ(port_of(c, "notification"), 8083);
}

TEST(ServeConfig, FlagsOverrideTheEnvironment) {
  Env env = kStores;
  env.vars["FL_PORT_BASE"] = "9000";
  ServeConfig c;
  ASSERT_EQ(parse({"payment", "saga", "--redis", "redis://c:3", "--kafka", "mock", "--pg",
                   "host=x port=5", "--port-base", "0"},
                  env, &c),
            "");
  EXPECT_EQ(c.services, (std::vector<std::string>{"saga", "payment"}));  // registration order
  EXPECT_EQ(c.redis, "redis://c:3");
  EXPECT_EQ(c.kafka, "mock");
  EXPECT_EQ(c.pg, "host=x port=5");
  EXPECT_EQ(port_of(c, "payment"), 0);
  ASSERT_EQ(parse({"inventory"}, env, &c), "");
  EXPECT_EQ(port_of(c, "inventory"), 9001);
  ASSERT_EQ(parse({"all", "saga"}, env, &c), "");
  EXPECT_EQ(c.services.size(), 6u);
  ASSERT_EQ(parse({"saga"}, env, &c), "");  // a service's name wins over its system's
  EXPECT_EQ(c.services, std::vector<std::string>{"saga"});
  ASSERT_EQ(parse({"echo"}, env, &c), "");
  EXPECT_EQ(c.services, std::vector<std::string>{"echo"});
}

TEST(ServeConfig, OnlyTheStoresTheServicesUseAreRequired) {
  ServeConfig c;
  ASSERT_EQ(parse({"echo", "--port", "23456", "--node-name", "n3", "--peer", "n1=127.0.0.1:23001"},
                  Env{}, &c),
            "");
  EXPECT_EQ(c.services, std::vector<std::string>{"echo"});
  EXPECT_EQ(c.node_name, "n3");
  EXPECT_EQ(c.peers.at("n1"), "127.0.0.1:23001");
  EXPECT_EQ(port_of(c, "echo"), 23456);
  ASSERT_EQ(parse({"echo"}, Env{}, &c), "");
  EXPECT_EQ(port_of(c, "echo"), 0);  // no seed port: ephemeral unless --port
}

TEST(ServeConfig, BadInputIsAClearError) {
  ServeConfig c;
  EXPECT_EQ(parse({"billing"}, kStores, &c), "unknown service or system 'billing'");
  EXPECT_NE(parse({"--port-base"}, kStores, &c).find("--port-base"), std::string::npos);
  EXPECT_EQ(parse({"--port-base", "80"}, kStores, &c),
            "--port-base must be 0 (ephemeral) or in 1024..65535, got '80'");
  EXPECT_EQ(parse({"--port-base", "-1"}, kStores, &c),
            "--port-base must be 0 (ephemeral) or in 1024..65535, got '-1'");
  EXPECT_EQ(parse({"--log-level", "loud"}, kStores, &c),
            "log level must be debug, info, warn or error, got 'loud'");
  EXPECT_EQ(parse({}, Env{{{"KAFKA_BROKERS", "b:2"}}}, &c),
            "no Redis: pass --redis redis://host:port or set REDIS_URL");
  EXPECT_EQ(parse({}, Env{{{"REDIS_URL", "redis://a:1"}}}, &c),
            "no Kafka: pass --kafka host:port[,host:port] (or 'mock') or set KAFKA_BROKERS");
  EXPECT_EQ(parse({"echo", "--peer", "nonsense"}, kStores, &c),
            "--peer takes NAME=HOST:PORT, got 'nonsense'");
  EXPECT_NE(parse({"saga", "--no-such-flag"}, kStores, &c).find("--no-such-flag"),
            std::string::npos);
}

// Real mode runs each service as its own process on a port of the harness' choosing, against
// topics the harness created: --port and --kafka-topics provisioned (or KAFKA_TOPICS).
TEST(ServeConfig, OneServiceOnItsOwnPortWithProvisionedTopics) {
  Env env = kStores;
  ServeConfig c;
  ASSERT_EQ(parse({"inventory", "--port", "23456", "--kafka-topics", "provisioned"}, env, &c), "");
  EXPECT_EQ(c.services, std::vector<std::string>{"inventory"});
  EXPECT_EQ(port_of(c, "inventory"), 23456);
  EXPECT_TRUE(c.kafka_topics_provisioned);
  env.vars["KAFKA_TOPICS"] = "provisioned";
  ASSERT_EQ(parse({"inventory"}, env, &c), "");
  EXPECT_TRUE(c.kafka_topics_provisioned);
  EXPECT_EQ(port_of(c, "inventory"), 8081);
  ASSERT_EQ(parse({"inventory", "--kafka-topics", "create"}, env, &c), "");
  EXPECT_FALSE(c.kafka_topics_provisioned);
}

TEST(ServeConfig, BadPortOrTopicModeIsAClearError) {
  ServeConfig c;
  EXPECT_EQ(parse({"--port", "23456"}, kStores, &c),
            "--port and --node-name apply to one service: name one");
  EXPECT_EQ(parse({"saga", "payment", "--port", "23456"}, kStores, &c),
            "--port and --node-name apply to one service: name one");
  EXPECT_EQ(parse({"inventory", "--port", "80"}, kStores, &c),
            "--port must be in 1024..65535, got '80'");
  EXPECT_EQ(parse({"inventory", "--kafka-topics", "maybe"}, kStores, &c),
            "--kafka-topics (KAFKA_TOPICS) must be create or provisioned, got 'maybe'");
  EXPECT_EQ(parse({"inventory", "--kafka", "mock", "--kafka-topics", "provisioned"}, kStores, &c),
            "--kafka-topics provisioned needs brokers of their own, not --kafka mock (the mock "
            "starts empty inside this process)");
}

// The orchestrator's step timing: flags, else SAGA_STEP_TIMEOUT_MS / SAGA_FORWARD_ATTEMPTS,
// else the orchestrator's defaults; out-of-range values are refused naming flag and variable.
TEST(ServeConfig, SagaStepTimingFromFlagsOrEnvironment) {
  Env env = kStores;
  ServeConfig c;
  ASSERT_EQ(parse({"saga"}, env, &c), "");
  EXPECT_EQ(c.options.at("saga").at("step_timeout_ms"), 1000);
  EXPECT_EQ(c.options.at("saga").at("forward_attempts"), 3);
  ASSERT_EQ(parse({"saga", "--step-timeout-ms", "3000", "--forward-attempts", "5"}, env, &c), "");
  EXPECT_EQ(c.options.at("saga").at("step_timeout_ms"), 3000);
  EXPECT_EQ(c.options.at("saga").at("forward_attempts"), 5);
  env.vars["SAGA_STEP_TIMEOUT_MS"] = "2500";
  env.vars["SAGA_FORWARD_ATTEMPTS"] = "7";
  ASSERT_EQ(parse({"saga"}, env, &c), "");
  EXPECT_EQ(c.options.at("saga").at("step_timeout_ms"), 2500);
  EXPECT_EQ(c.options.at("saga").at("forward_attempts"), 7);
  EXPECT_EQ(parse({"saga", "--step-timeout-ms", "10"}, env, &c),
            "--step-timeout-ms (SAGA_STEP_TIMEOUT_MS) must be an integer in 50..600000, got '10'");
  EXPECT_EQ(parse({"saga", "--forward-attempts", "0"}, env, &c),
            "--forward-attempts (SAGA_FORWARD_ATTEMPTS) must be an integer in 1..100, got '0'");
  EXPECT_EQ(parse({"saga", "--forward-attempts", "x"}, env, &c),
            "--forward-attempts (SAGA_FORWARD_ATTEMPTS) must be an integer in 1..100, got 'x'");
  EXPECT_NE(parse({"saga", "--bug", "no-inbox-dedup"}, env, &c).find("--bug"), std::string::npos)
      << "known-bug switches are not flags of production";
}

// The listen address: loopback unless --bind (or FL_BIND) names a numeric address.
TEST(ServeConfig, BindAddressFromFlagOrEnvironment) {
  ServeConfig c;
  ASSERT_EQ(parse({"saga"}, kStores, &c), "");
  EXPECT_EQ(c.bind, "127.0.0.1");
  ASSERT_EQ(parse({"saga", "--bind", "0.0.0.0"}, kStores, &c), "");
  EXPECT_EQ(c.bind, "0.0.0.0");
  Env env = kStores;
  env.vars["FL_BIND"] = "::";
  ASSERT_EQ(parse({"saga"}, env, &c), "");
  EXPECT_EQ(c.bind, "::");
  ASSERT_EQ(parse({"saga", "--bind", "::1"}, env, &c), "");  // the flag wins
  EXPECT_EQ(c.bind, "::1");
  for (const char* bad : {"localhost", "256.0.0.1", "1.2.3", "0.0.0.0:80", " 1.2.3.4"}) {
    EXPECT_NE(parse({"saga", "--bind", bad}, kStores, &c).find("--bind (FL_BIND) must be"),
              std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace fl::cli
