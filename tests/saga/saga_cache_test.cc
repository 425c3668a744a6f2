// The orchestrator's Redis cache (system/saga/saga_cache.h) against an in-memory KvCache that can
// be made to fail: entries round-trip, a key reused for another request or a damaged entry is a
// miss (PostgreSQL answers), only finished sagas are cached, and after an error the cache is
// skipped for kCacheBackoffNs. Also the saga-orders checker's rule for reads through the API.
#include "system/saga/saga_cache.h"

#include <gtest/gtest.h>

#include <map>

#include "compose/saga/check.h"
#include "system/saga/definition.h"

namespace fl::test {
namespace {

using saga::SagaCache;

class ManualClock final : public io::Clock {
 public:
  std::int64_t monotonic_ns() override { return now; }
  std::int64_t wall_ns() override { return now; }
  void sleep_ns(std::int64_t ns) override { now += ns; }
  std::int64_t now = 1;
};

// An in-memory KvCache; `down` makes every command fail as an unreachable Redis does.
class MemoryCache final : public io::KvCache {
 public:
  bool down = false;
  std::map<std::string, std::string> data;
  int calls = 0;

  io::Result<std::optional<std::string>> get(const std::string& key) override {
    if (io::Status s = reach(); !s.is_ok()) return s;
    auto it = data.find(key);
    return it == data.end() ? std::optional<std::string>() : std::optional(it->second);
  }
  io::Result<bool> set(const std::string& key, const std::string& value, io::SetCondition,
                       std::int64_t ttl_ms) override {
    if (io::Status s = reach(); !s.is_ok()) return s;
    EXPECT_EQ(ttl_ms, saga::kCacheTtlMs);
    data[key] = value;
    return true;
  }
  io::Result<std::int64_t> incr(const std::string&, std::int64_t) override { return unused(); }
  io::Result<bool> del(const std::string&) override { return unused(); }
  io::Result<bool> expire(const std::string&, std::int64_t) override { return unused(); }
  io::Result<std::optional<std::string>> set_if_absent_or_get(const std::string&,
                                                              const std::string&,
                                                              std::int64_t) override {
    return unused();
  }
  io::Result<bool> delete_if_equals(const std::string&, const std::string&) override {
    return unused();
  }
  io::Result<bool> expire_if_equals(const std::string&, const std::string&, std::int64_t) override {
    return unused();
  }

 private:
  io::Status reach() {
    ++calls;
    return down ? io::Status::failed(io::ErrorKind::kConnectionLost, "down", true)
                : io::Status::ok();
  }
  io::Status unused() {
    ADD_FAILURE() << "SagaCache uses get and set only";
    return io::Status::failed(io::ErrorKind::kInternal, "unused");
  }
};

saga::SagaRecord finished_saga(saga::SagaStatus status) {
  saga::SagaRecord r;
  r.view.saga_id = "saga-0000000000000001";
  r.view.type = "order_processing";
  r.view.idempotency_key = "k-1";
  r.view.data_json = R"({"order_id":"o-1"})";
  r.view.version = 7;
  r.view.created_wall_ns = 11;
  r.view.updated_wall_ns = 12;
  const saga::SagaDefinition* d = saga::find_definition(r.view.type);
  EXPECT_NE(d, nullptr);
  r.state = saga::initial_state(*d);
  r.state.status = status;
  saga::sync_view(&r);
  return r;
}

TEST(SagaCache, StartsRoundTripOnlyForTheSameRequest) {
  ManualClock clock;
  MemoryCache redis;
  SagaCache cache(&redis, clock);
  EXPECT_FALSE(cache.started("k-1", "order_processing", "{}"));
  cache.remember_start("k-1", "order_processing", R"({"a":1})", "saga-1");
  EXPECT_EQ(redis.data.at(saga::idempotency_cache_key("k-1")).substr(0, 7), "saga-1 ");
  EXPECT_EQ(cache.started("k-1", "order_processing", R"({"a":1})"), "saga-1");
  EXPECT_FALSE(cache.started("k-1", "order_processing", R"({"a":2})"));  // another request: 422
  EXPECT_FALSE(cache.started("k-1", "other_type", R"({"a":1})"));
  EXPECT_FALSE(cache.started("", "order_processing", R"({"a":1})"));  // no key: nothing to find
  cache.remember_start("", "order_processing", "{}", "saga-2");       // and nothing written
  EXPECT_EQ(redis.data.size(), 1u);
  EXPECT_EQ(cache.stats().hits, 1u);
}

TEST(SagaCache, OnlyFinishedSagasAreCachedAndDamagedEntriesMiss) {
  ManualClock clock;
  MemoryCache redis;
  SagaCache cache(&redis, clock);
  const saga::SagaRecord done = finished_saga(saga::SagaStatus::kCompleted);
  cache.remember_finished(done);
  auto back = cache.finished(done.view.saga_id);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->view.status, saga::SagaStatus::kCompleted);
  EXPECT_EQ(back->view.version, 7);
  EXPECT_EQ(back->view.data_json, done.view.data_json);
  EXPECT_EQ(back->view.steps.size(), done.view.steps.size());
  EXPECT_DEATH(cache.remember_finished(finished_saga(saga::SagaStatus::kRunning)), "final");
  const std::string key = saga::finished_cache_key(done.view.saga_id);
  for (const char* damaged : {"", "[", "{}", "[1,2]", R"(["a",1])", "null"}) {
    redis.data[key] = damaged;
    EXPECT_FALSE(cache.finished(done.view.saga_id)) << damaged;
  }
  cache.remember_finished(done);
  redis.data[saga::finished_cache_key("saga-other")] = redis.data.at(key);
  EXPECT_FALSE(cache.finished("saga-other"));  // an entry that names another saga
}

TEST(SagaCache, AnUnreachableRedisIsSkippedForTheBackoff) {
  ManualClock clock;
  MemoryCache redis;
  SagaCache cache(&redis, clock);
  redis.down = true;
  EXPECT_FALSE(cache.started("k-1", "t", "{}"));
  EXPECT_EQ(redis.calls, 1);
  EXPECT_FALSE(cache.started("k-1", "t", "{}"));
  cache.remember_start("k-1", "t", "{}", "saga-1");
  EXPECT_EQ(redis.calls, 1);  // backing off: Redis is not asked again
  EXPECT_EQ(cache.stats().errors, 1u);
  EXPECT_EQ(cache.stats().skipped, 2u);
  redis.down = false;
  clock.now += saga::kCacheBackoffNs;
  cache.remember_start("k-1", "t", "{}", "saga-1");
  EXPECT_EQ(cache.started("k-1", "t", "{}"), "saga-1");
}

TEST(SagaCache, WithoutRedisEverythingMisses) {
  ManualClock clock;
  SagaCache cache(nullptr, clock);
  cache.remember_start("k-1", "t", "{}", "saga-1");
  EXPECT_FALSE(cache.started("k-1", "t", "{}"));
  EXPECT_FALSE(cache.finished("saga-1"));
}

TEST(SagaOrdersCheck, ReadsThroughTheApiMustMatchTheStore) {
  compose::SagaCheckInput in;
  saga::SagaView s;
  s.saga_id = "saga-1";
  s.type = "order_processing";
  s.data_json = R"({"order_id":"o-1"})";
  s.status = saga::SagaStatus::kCompensated;
  s.version = 6;
  in.final_state.sagas.push_back(s);
  in.api_reads["saga-1"] = {200, "compensated", 6};
  in.api_reads["saga-gone"] = {404, "", 0};
  EXPECT_TRUE(compose::check_saga_orders(in).empty());
  in.api_reads["saga-1"] = {200, "completed", 5};  // a cached view that never committed
  auto problems = compose::check_saga_orders(in);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("says completed (version 5); the store says compensated (version 6)"),
            std::string::npos)
      << problems[0];
  in.api_reads["saga-1"] = {200, "compensated", 6};
  in.api_reads["saga-gone"] = {200, "completed", 3};  // a saga the store does not have
  problems = compose::check_saga_orders(in);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("it does not exist"), std::string::npos) << problems[0];
}

}  // namespace
}  // namespace fl::test
