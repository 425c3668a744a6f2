#include "system/api/health.h"

#include "system/io/assert.h"

namespace fl::api {

void Health::add(std::string dependency, Probe probe) {
  FL_ASSERT(probe != nullptr);
  FL_ASSERT_LT(probes_.size(), kMaxProbes);
  for (const auto& [name, p] : probes_) FL_ASSERT_MSG(name != dependency, "duplicate probe");
  probes_.emplace_back(std::move(dependency), std::move(probe));
}

void Health::add_readiness(std::string name, std::function<std::string()> condition) {
  FL_ASSERT(condition != nullptr);
  FL_ASSERT_LT(conditions_.size(), kMaxProbes);
  for (const auto& [n, c] : conditions_) FL_ASSERT_MSG(n != name, "duplicate condition");
  conditions_.emplace_back(std::move(name), std::move(condition));
}

Json Health::dependencies(bool* all_ok) const {
  Json deps = Json::object();
  *all_ok = true;
  for (const auto& [name, probe] : probes_) {
    const io::Status s = probe();
    if (s.is_ok()) {
      deps[name] = Json{{"status", "ok"}};
    } else {
      *all_ok = false;
      deps[name] = Json{{"status", "failed"}, {"error", s.to_string()}};
    }
  }
  return deps;
}

Json Health::not_ready(bool dependencies_ok) const {
  Json why = Json::array();
  if (!dependencies_ok) why.push_back("a dependency does not answer");
  for (const auto& [name, condition] : conditions_) {
    const std::string reason = condition();
    if (!reason.empty()) why.push_back(name + ": " + reason);
  }
  return why;
}

io::Response Health::check() const {
  bool all_ok = true;
  Json deps = dependencies(&all_ok);
  const bool ready = not_ready(all_ok).empty();
  Json body{{"service", service_},
            {"status", all_ok ? "ok" : "degraded"},
            {"live", true},
            {"ready", ready},
            {"dependencies", deps}};
  return json_response(all_ok ? 200 : 503, body);
}

io::Response Health::live() const {
  return json_response(200, Json{{"service", service_}, {"status", "live"}});
}

io::Response Health::ready() const {
  bool all_ok = true;
  Json deps = dependencies(&all_ok);
  Json why = not_ready(all_ok);
  const bool ready = why.empty();
  Json body{
      {"service", service_}, {"status", ready ? "ready" : "not ready"}, {"dependencies", deps}};
  if (!ready) body["not_ready"] = why;
  return json_response(ready ? 200 : 503, body);
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
