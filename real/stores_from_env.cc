#include "real/stores_from_env.h"

#include <cstdlib>

namespace fl::real {
namespace {

std::string env_or(const std::string& given, const char* name) {
  if (!given.empty()) return given;
  const char* v = std::getenv(name);  // read once at start-up, never on a simulated path
  return v == nullptr ? "" : v;
}

}  // namespace

std::unique_ptr<PgStore> sql_from_env(const std::string& conninfo) {
  return std::make_unique<PgStore>(conninfo);
}

io::Result<std::unique_ptr<RedisCache>> cache_from_env(const std::string& url) {
  const std::string u = env_or(url, "REDIS_URL");
  std::string host;
  int port = 0;
  if (!RedisCache::parse_url(u, &host, &port)) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "REDIS_URL must look like redis://host:port, got '" + u + "'");
  }
  return std::make_unique<RedisCache>(host, port);
}

io::Result<std::unique_ptr<KafkaLog>> events_from_env(const std::string& client_id,
                                                      const std::string& brokers) {
  KafkaOptions o;
  o.brokers = env_or(brokers, "KAFKA_BROKERS");
  o.client_id = client_id;
  if (o.brokers.empty()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "KAFKA_BROKERS is not set (host:port[,host:port])");
  }
  return std::make_unique<KafkaLog>(o);
}

}  // namespace fl::real
