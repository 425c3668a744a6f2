// Flags and environment for `faultline serve` (serve.h).
#include <algorithm>

#include "scenarios/cli.h"
#include "scenarios/saga_system.h"
#include "scenarios/serve.h"
#include "system/io/assert.h"

namespace fl::scenarios {
namespace {

std::string from_env(const GetEnv& getenv, const char* name) {
  const char* v = getenv(name);
  return v == nullptr ? "" : v;
}

std::string parse_port_base(const std::string& text, int* out) {
  std::uint64_t v = 0;
  if (!parse_u64(text, &v) || (v != 0 && (v < 1024 || v > 65535 - 3))) {
    return "--port-base must be 0 (ephemeral) or in 1024..65532, got '" + text + "'";
  }
  *out = static_cast<int>(v);
  return "";
}

std::string parse_port(const std::string& text, std::size_t services, int* out) {
  std::uint64_t v = 0;
  if (!parse_u64(text, &v) || v < 1024 || v > 65535) {
    return "--port must be in 1024..65535, got '" + text + "'";
  }
  if (services != 1) return "--port serves one service: name exactly one";
  *out = static_cast<int>(v);
  return "";
}

// A bounded integer flag (or its environment variable); "" leaves *out alone.
std::string parse_bounded(const std::string& flag, const std::string& text, std::uint64_t lo,
                          std::uint64_t hi, std::int64_t* out) {
  if (text.empty()) return "";
  std::uint64_t v = 0;
  if (!parse_u64(text, &v) || v < lo || v > hi) {
    return flag + " must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" +
           text + "'";
  }
  *out = static_cast<std::int64_t>(v);
  return "";
}

}  // namespace

std::string parse_serve_config(const std::vector<std::string>& args, const GetEnv& getenv,
                               ServeConfig* config) {
  FL_ASSERT(config != nullptr);
  constexpr std::size_t kMaxArgs = 64;
  if (args.size() > kMaxArgs) return "too many arguments";
  std::string port_base, port, log_level, topics, step_timeout, attempts;
  bool all = false;
  std::vector<std::string> named;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool takes_value = a == "--port-base" || a == "--port" || a == "--pg" || a == "--redis" ||
                             a == "--kafka" || a == "--kafka-topics" || a == "--log-level" ||
                             a == "--step-timeout-ms" || a == "--forward-attempts";
    if (takes_value) {
      if (i + 1 >= args.size()) return a + " needs a value";
      const std::string& v = args[++i];
      if (a == "--port-base") port_base = v;
      if (a == "--port") port = v;
      if (a == "--kafka-topics") topics = v;
      if (a == "--pg") config->pg = v;
      if (a == "--redis") config->redis = v;
      if (a == "--kafka") config->kafka = v;
      if (a == "--log-level") log_level = v;
      if (a == "--step-timeout-ms") step_timeout = v;
      if (a == "--forward-attempts") attempts = v;
    } else if (a == "all") {
      all = true;
    } else if (std::find(kServeServices.begin(), kServeServices.end(), a) != kServeServices.end()) {
      named.push_back(a);
    } else {
      return "unknown service or option '" + a + "'";
    }
  }
  for (const auto& s : kServeServices) {
    if (all || named.empty() || std::find(named.begin(), named.end(), s) != named.end()) {
      config->services.push_back(s);
    }
  }
  if (port_base.empty()) port_base = from_env(getenv, "FL_PORT_BASE");
  if (!port_base.empty()) {
    const std::string e = parse_port_base(port_base, &config->port_base);
    if (!e.empty()) return e;
  }
  if (!port.empty()) {
    const std::string e = parse_port(port, config->services.size(), &config->port);
    if (!e.empty()) return e;
  }
  if (topics.empty()) topics = from_env(getenv, "KAFKA_TOPICS");
  if (!topics.empty() && topics != "create" && topics != "provisioned") {
    return "--kafka-topics (KAFKA_TOPICS) must be create or provisioned, got '" + topics + "'";
  }
  config->kafka_topics_provisioned = topics == "provisioned";
  if (config->pg.empty()) config->pg = from_env(getenv, "POSTGRES_URL");
  if (config->redis.empty()) config->redis = from_env(getenv, "REDIS_URL");
  if (config->kafka.empty()) config->kafka = from_env(getenv, "KAFKA_BROKERS");
  if (config->redis.empty()) return "no Redis: pass --redis redis://host:port or set REDIS_URL";
  if (config->kafka.empty()) {
    return "no Kafka: pass --kafka host:port[,host:port] (or 'mock') or set KAFKA_BROKERS";
  }
  if (log_level.empty()) log_level = from_env(getenv, "LOG_LEVEL");
  if (!log_level.empty()) {
    const auto level = api::parse_log_level(log_level);
    if (!level) return "log level must be debug, info, warn or error, got '" + log_level + "'";
    config->log_level = *level;
  }
  if (step_timeout.empty()) step_timeout = from_env(getenv, "SAGA_STEP_TIMEOUT_MS");
  if (attempts.empty()) attempts = from_env(getenv, "SAGA_FORWARD_ATTEMPTS");
  std::int64_t n = 0;
  if (std::string e = parse_bounded("--step-timeout-ms (SAGA_STEP_TIMEOUT_MS)", step_timeout,
                                    kMinStepTimeoutMs, kMaxStepTimeoutMs, &config->step_timeout_ms);
      !e.empty()) {
    return e;
  }
  if (std::string e = parse_bounded("--forward-attempts (SAGA_FORWARD_ATTEMPTS)", attempts, 1,
                                    kMaxForwardAttempts, &n);
      !e.empty()) {
    return e;
  }
  config->forward_attempts = static_cast<int>(n);
  if (config->kafka_topics_provisioned && config->kafka == "mock") {
    return "--kafka-topics provisioned needs brokers of their own, not --kafka mock (the mock "
           "starts empty inside this process)";
  }
  FL_ASSERT(!config->services.empty());
  return "";
}

std::uint16_t serve_port(const ServeConfig& config, const std::string& service) {
  const auto it = std::find(kServeServices.begin(), kServeServices.end(), service);
  FL_ASSERT(it != kServeServices.end());
  if (config.port != 0) {
    FL_ASSERT_EQ(config.services.size(), 1u);
    return static_cast<std::uint16_t>(config.port);
  }
  if (config.port_base == 0) return 0;
  return static_cast<std::uint16_t>(config.port_base + (it - kServeServices.begin()));
}

}  // namespace fl::scenarios
