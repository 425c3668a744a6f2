// Production stores configured the usual way: flags override, else the environment —
// PostgreSQL from the PG* variables (libpq reads them: PGHOST, PGPORT, PGUSER, PGDATABASE, ...),
// Redis from REDIS_URL (redis://host:port), Kafka from KAFKA_BROKERS (bootstrap servers).
#pragma once

#include <memory>
#include <string>

#include "real/kafka_log.h"
#include "real/pg_store.h"
#include "real/redis_cache.h"
#include "system/io/status.h"

namespace fl::real {

// `conninfo` "" means the PG* environment variables.
std::unique_ptr<PgStore> sql_from_env(const std::string& conninfo = "");
// `url` "" means REDIS_URL; a missing or malformed URL is an error naming the variable.
io::Result<std::unique_ptr<RedisCache>> cache_from_env(const std::string& url = "");
// `brokers` "" means KAFKA_BROKERS.
io::Result<std::unique_ptr<KafkaLog>> events_from_env(const std::string& client_id,
                                                      const std::string& brokers = "");

}  // namespace fl::real
