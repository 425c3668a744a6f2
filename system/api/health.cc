#include "system/api/health.h"

#include "system/io/assert.h"

namespace fl::api {

void Health::add(std::string dependency, Probe probe) {
  FL_ASSERT(probe != nullptr);
  FL_ASSERT_LT(probes_.size(), kMaxProbes);
  for (const auto& [name, p] : probes_) FL_ASSERT_MSG(name != dependency, "duplicate probe");
  probes_.emplace_back(std::move(dependency), std::move(probe));
}

io::Response Health::check() const {
  Json deps = Json::object();
  bool all_ok = true;
  for (const auto& [name, probe] : probes_) {
    const io::Status s = probe();
    if (s.is_ok()) {
      deps[name] = Json{{"status", "ok"}};
    } else {
      all_ok = false;
      deps[name] = Json{{"status", "failed"}, {"error", s.to_string()}};
    }
  }
  Json body{{"service", service_}, {"status", all_ok ? "ok" : "degraded"}, {"dependencies", deps}};
  return json_response(all_ok ? 200 : 503, body);
}

Probe sql_probe(io::SqlStore& sql, std::string table) {
  return [&sql, table = std::move(table)]() -> io::Status {
    auto tx = sql.begin(io::Isolation::kReadCommitted);
    if (!tx.is_ok()) return tx.status();
    io::ScanSpec spec;
    spec.limit = 1;
    auto rows = tx.value()->scan(table, spec);
    if (!rows.is_ok()) return rows.status();
    FL_ASSERT_LE(rows.value().size(), 1u);
    return tx.value()->commit();
  };
}

Probe cache_probe(io::KvCache& cache, std::string key) {
  return [&cache, key = std::move(key)]() -> io::Status {
    auto got = cache.get(key);
    return got.is_ok() ? io::Status::ok() : got.status();
  };
}

Probe events_probe(io::EventLog& events, std::string topic, std::string key) {
  return [&events, topic = std::move(topic), key = std::move(key)]() -> io::Status {
    auto produced = events.produce(topic, key, "{\"health\":true}");
    return produced.is_ok() ? io::Status::ok() : produced.status();
  };
}

}  // namespace fl::api
