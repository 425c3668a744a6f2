// Proves `faultline serve`'s configuration rules (scenarios/serve.h): services by name or all,
// ports from --port-base (seed ports 8080..8083 by default, 0 for ephemeral), flags overriding
// the seeds' environment variables (POSTGRES_URL, REDIS_URL, KAFKA_BROKERS, LOG_LEVEL), and a
// clear error for every bad input. The environment is a map here, never the process's.
#include <gtest/gtest.h>

#include <map>

#include "scenarios/serve.h"

namespace fl::scenarios {
namespace {

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

TEST(ServeConfig, DefaultsFromTheSeedsEnvironment) {
  Env env{{{"POSTGRES_URL", "postgresql://postgres:postgres@localhost:5432/microservices"},
           {"REDIS_URL", "redis://localhost:6379"},
           {"KAFKA_BROKERS", "localhost:9092"},
           {"LOG_LEVEL", "debug"}}};
  ServeConfig c;
  ASSERT_EQ(parse({}, env, &c), "");
  EXPECT_EQ(c.services, kServeServices);
  EXPECT_EQ(c.pg, "postgresql://postgres:postgres@localhost:5432/microservices");
  EXPECT_EQ(c.redis, "redis://localhost:6379");
  EXPECT_EQ(c.kafka, "localhost:9092");
  EXPECT_EQ(c.log_level, api::LogLevel::kDebug);
  EXPECT_EQ(serve_port(c, "saga"), 8080);
  EXPECT_EQ(serve_port(c, "notification"), 8083);
}

TEST(ServeConfig, FlagsOverrideTheEnvironment) {
  Env env{{{"REDIS_URL", "redis://a:1"}, {"KAFKA_BROKERS", "b:2"}, {"FL_PORT_BASE", "9000"}}};
  ServeConfig c;
  ASSERT_EQ(parse({"payment", "saga", "--redis", "redis://c:3", "--kafka", "mock", "--pg",
                   "host=x port=5", "--port-base", "0"},
                  env, &c),
            "");
  EXPECT_EQ(c.services, (std::vector<std::string>{"saga", "payment"}));  // in service order
  EXPECT_EQ(c.redis, "redis://c:3");
  EXPECT_EQ(c.kafka, "mock");
  EXPECT_EQ(c.pg, "host=x port=5");
  EXPECT_EQ(serve_port(c, "payment"), 0);
  ASSERT_EQ(parse({"inventory"}, env, &c), "");
  EXPECT_EQ(serve_port(c, "inventory"), 9001);
  ASSERT_EQ(parse({"all", "saga"}, env, &c), "");
  EXPECT_EQ(c.services.size(), 4u);
}

TEST(ServeConfig, BadInputIsAClearError) {
  Env env{{{"REDIS_URL", "redis://a:1"}, {"KAFKA_BROKERS", "b:2"}}};
  ServeConfig c;
  EXPECT_EQ(parse({"billing"}, env, &c), "unknown service or option 'billing'");
  EXPECT_EQ(parse({"--port-base"}, env, &c), "--port-base needs a value");
  EXPECT_EQ(parse({"--port-base", "80"}, env, &c),
            "--port-base must be 0 (ephemeral) or in 1024..65532, got '80'");
  EXPECT_EQ(parse({"--port-base", "-1"}, env, &c),
            "--port-base must be 0 (ephemeral) or in 1024..65532, got '-1'");
  EXPECT_EQ(parse({"--log-level", "loud"}, env, &c),
            "log level must be debug, info, warn or error, got 'loud'");
  EXPECT_EQ(parse({}, Env{{{"KAFKA_BROKERS", "b:2"}}}, &c),
            "no Redis: pass --redis redis://host:port or set REDIS_URL");
  EXPECT_EQ(parse({}, Env{{{"REDIS_URL", "redis://a:1"}}}, &c),
            "no Kafka: pass --kafka host:port[,host:port] (or 'mock') or set KAFKA_BROKERS");
}

// Real mode runs each service as its own process on a port of the harness' choosing, against
// topics the harness created: --port and --kafka-topics provisioned (or KAFKA_TOPICS).
TEST(ServeConfig, OneServiceOnItsOwnPortWithProvisionedTopics) {
  Env env{{{"REDIS_URL", "redis://a:1"}, {"KAFKA_BROKERS", "b:2"}}};
  ServeConfig c;
  ASSERT_EQ(parse({"inventory", "--port", "23456", "--kafka-topics", "provisioned"}, env, &c), "");
  EXPECT_EQ(c.services, std::vector<std::string>{"inventory"});
  EXPECT_EQ(serve_port(c, "inventory"), 23456);
  EXPECT_TRUE(c.kafka_topics_provisioned);
  env.vars["KAFKA_TOPICS"] = "provisioned";
  ASSERT_EQ(parse({"saga"}, env, &c), "");
  EXPECT_TRUE(c.kafka_topics_provisioned);
  EXPECT_EQ(serve_port(c, "saga"), 8080);
  ASSERT_EQ(parse({"saga", "--kafka-topics", "create"}, env, &c), "");
  EXPECT_FALSE(c.kafka_topics_provisioned);
}

TEST(ServeConfig, BadPortOrTopicModeIsAClearError) {
  Env env{{{"REDIS_URL", "redis://a:1"}, {"KAFKA_BROKERS", "b:2"}}};
  ServeConfig c;
  EXPECT_EQ(parse({"--port", "23456"}, env, &c), "--port serves one service: name exactly one");
  EXPECT_EQ(parse({"saga", "payment", "--port", "23456"}, env, &c),
            "--port serves one service: name exactly one");
  EXPECT_EQ(parse({"saga", "--port", "80"}, env, &c), "--port must be in 1024..65535, got '80'");
  EXPECT_EQ(parse({"saga", "--kafka-topics", "maybe"}, env, &c),
            "--kafka-topics (KAFKA_TOPICS) must be create or provisioned, got 'maybe'");
  EXPECT_EQ(parse({"saga", "--kafka", "mock", "--kafka-topics", "provisioned"}, env, &c),
            "--kafka-topics provisioned needs brokers of their own, not --kafka mock (the mock "
            "starts empty inside this process)");
}

// The orchestrator's step timing: flags, else SAGA_STEP_TIMEOUT_MS / SAGA_FORWARD_ATTEMPTS,
// else 0 (the orchestrator's defaults); out-of-range values are refused.
TEST(ServeConfig, SagaStepTimingFromFlagsOrEnvironment) {
  Env env{{{"REDIS_URL", "redis://a:1"}, {"KAFKA_BROKERS", "b:2"}}};
  ServeConfig c;
  ASSERT_EQ(parse({"saga"}, env, &c), "");
  EXPECT_EQ(c.step_timeout_ms, 0);
  EXPECT_EQ(c.forward_attempts, 0);
  ServeConfig f;
  ASSERT_EQ(parse({"saga", "--step-timeout-ms", "3000", "--forward-attempts", "5"}, env, &f), "");
  EXPECT_EQ(f.step_timeout_ms, 3000);
  EXPECT_EQ(f.forward_attempts, 5);
  env.vars["SAGA_STEP_TIMEOUT_MS"] = "2500";
  env.vars["SAGA_FORWARD_ATTEMPTS"] = "7";
  ServeConfig e;
  ASSERT_EQ(parse({"saga"}, env, &e), "");
  EXPECT_EQ(e.step_timeout_ms, 2500);
  EXPECT_EQ(e.forward_attempts, 7);
  ServeConfig bad;
  EXPECT_EQ(parse({"saga", "--step-timeout-ms", "10"}, env, &bad),
            "--step-timeout-ms (SAGA_STEP_TIMEOUT_MS) must be in 50..600000, got '10'");
  EXPECT_EQ(parse({"saga", "--forward-attempts", "0"}, env, &bad),
            "--forward-attempts (SAGA_FORWARD_ATTEMPTS) must be in 1..100, got '0'");
  EXPECT_EQ(parse({"saga", "--forward-attempts", "x"}, env, &bad),
            "--forward-attempts (SAGA_FORWARD_ATTEMPTS) must be in 1..100, got 'x'");
}

}  // namespace
}  // namespace fl::scenarios
