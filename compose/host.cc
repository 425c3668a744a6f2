// ServiceHost (host.h): the one assembly of a service and its HTTP API.
#include "compose/host.h"

#include "system/io/assert.h"

namespace fl::compose {
namespace {

// Failures a store that is starting, restarting or unreachable explains: worth another try.
bool worth_retrying(const io::Status& s) {
  if (s.retryable() || s.is_indeterminate()) return true;
  const io::ErrorKind k = s.kind();
  return k == io::ErrorKind::kUnavailable || k == io::ErrorKind::kConnectionLost ||
         k == io::ErrorKind::kTimeout || k == io::ErrorKind::kUnreachable;
}

}  // namespace

ServiceHost::ServiceHost(const ServiceInfo& info, io::Env& env, nlohmann::json options,
                         HostOptions host)
    : info_(info),
      env_(env),
      options_(std::move(options)),
      host_(std::move(host)),
      log_(env.clock, info.name, host_.log_level, host_.log_sink),
      metrics_(info.name),
      health_(info.name) {
  FL_ASSERT(info.start != nullptr);
  FL_ASSERT(host_.max_start_attempts >= 1 && host_.start_retry_ns >= 0);
  FL_ASSERT_MSG(!info.sql || env.sql != nullptr, info.name << " needs PostgreSQL");
  FL_ASSERT_MSG(!info.cache || env.cache != nullptr, info.name << " needs Redis");
  FL_ASSERT_MSG(!info.events || env.events != nullptr, info.name << " needs Kafka");
  if (options_.is_null()) {
    const std::string error = resolve_service_options(info, nlohmann::json::object(), &options_);
    FL_ASSERT_MSG(error.empty(), error);
  }
  server_ = std::make_unique<api::ApiServer>(env.clock, log_, metrics_, health_);
  if (info.sql) health_.add("postgres", api::sql_probe(*env.sql, info.health_table));
  if (info.cache) {
    health_.add("redis", api::cache_probe(*env.cache, "faultline:health:" + info.name));
  }
  health_.add_readiness("draining", [this]() -> std::string {
    return draining_ ? "the process is stopping (SIGTERM): no new work, please" : "";
  });
  if (info.events) {
    health_.add("kafka", api::events_probe(*env.events, kHealthTopic, info.name));
    io::EventLog* events = env.events;
    health_.add_readiness("kafka-consumers", [events]() -> std::string {
      return events->joined() ? "" : "the consumer group has not assigned partitions yet";
    });
  }
}

ServiceHost::~ServiceHost() = default;

io::Status ServiceHost::start_once() {
  if (info_.events) {
    if (io::Status s = env_.events->create_topic(kHealthTopic, 1); !s.is_ok()) return s;
  }
  ServiceContext context{env_, server_->router(), metrics_, log_, options_, host_.run_state};
  auto started = info_.start(context);
  if (!started.is_ok()) return started.status();
  service_ = std::move(started.value());
  return io::Status::ok();
}

io::Status ServiceHost::start() {
  FL_ASSERT_MSG(!started_, "ServiceHost::start called twice");
  io::Status s = io::Status::ok();
  for (int attempt = 1; attempt <= host_.max_start_attempts; ++attempt) {
    s = start_once();
    if (s.is_ok()) {
      started_ = true;
      return s;
    }
    if (!worth_retrying(s)) return s;
    log_.warn("start failed, retrying", {{"attempt", attempt}, {"error", s.to_string()}});
    env_.clock.sleep_ns(host_.start_retry_ns);
  }
  return s;
}

io::Handler ServiceHost::handler() {
  FL_ASSERT_MSG(started_, "handler() before start() succeeded");
  return server_->handler();
}

std::vector<std::pair<std::string, int>> topics_to_provision(const ServiceInfo& info) {
  if (!info.events) return {};
  auto topics = info.topics;
  topics.emplace_back(kHealthTopic, 1);
  return topics;
}

}  // namespace fl::compose
