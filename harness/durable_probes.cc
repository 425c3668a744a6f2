// The durable-step probes (durable_probes.h), on the seam's forwarding bases.
#include "harness/durable_probes.h"

#include "system/io/assert.h"
#include "system/io/wrappers.h"

namespace fl::harness {
namespace {

// What every probe of one incarnation does after a durable step: ask the hook, and crash and
// unwind if it says so. Shared by the incarnation's probes (and its transactions).
struct Step {
  ProbeHook hook;
  std::function<void()> crash;
  io::Tasks* tasks;

  void after(const char* kind) const {
    if (!hook(kind)) return;
    crash();
    tasks->yield();  // a crashed node's fiber unwinds at its next suspension point: here
    FL_ASSERT_MSG(false, "a crashed node's fiber ran on after its durable step");
  }
};
using StepPtr = std::shared_ptr<const Step>;

class ProbedTransaction final : public io::SqlTransactionWrapper {
 public:
  ProbedTransaction(std::unique_ptr<io::SqlTransaction> inner, StepPtr step)
      : SqlTransactionWrapper(std::move(inner)), step_(std::move(step)) {}
  io::Status commit() override {
    io::Status status = target().commit();
    if (!status.is_failed()) step_->after("commit");
    return status;
  }

 private:
  StepPtr step_;
};

class ProbedSql final : public io::SqlStoreWrapper {
 public:
  ProbedSql(io::SqlStore* inner, StepPtr step) : SqlStoreWrapper(inner), step_(std::move(step)) {}
  io::Result<std::unique_ptr<io::SqlTransaction>> begin(io::Isolation isolation) override {
    return wrap<ProbedTransaction>(target().begin(isolation), step_);
  }

 private:
  StepPtr step_;
};

class ProbedEvents final : public io::EventLogWrapper {
 public:
  ProbedEvents(io::EventLog* inner, StepPtr step)
      : EventLogWrapper(inner), step_(std::move(step)) {}
  io::Result<io::ProducedAt> produce(const std::string& topic, const std::string& key,
                                     const std::string& value) override {
    auto at = target().produce(topic, key, value);
    if (!at.status().is_failed()) step_->after("produce");
    return at;
  }

 private:
  StepPtr step_;
};

class ProbedCache final : public io::KvCacheWrapper {
 public:
  ProbedCache(io::KvCache* inner, StepPtr step) : KvCacheWrapper(inner), step_(std::move(step)) {}
  io::Result<bool> set(const std::string& k, const std::string& v, io::SetCondition c,
                       std::int64_t ttl_ms) override {
    return after(target().set(k, v, c, ttl_ms));
  }
  io::Result<std::int64_t> incr(const std::string& k, std::int64_t by) override {
    return after(target().incr(k, by));
  }
  io::Result<bool> del(const std::string& k) override { return after(target().del(k)); }
  io::Result<bool> expire(const std::string& k, std::int64_t ttl_ms) override {
    return after(target().expire(k, ttl_ms));
  }
  io::Result<std::optional<std::string>> set_if_absent_or_get(const std::string& k,
                                                              const std::string& v,
                                                              std::int64_t ttl_ms) override {
    return after(target().set_if_absent_or_get(k, v, ttl_ms));
  }
  io::Result<bool> delete_if_equals(const std::string& k, const std::string& e) override {
    return after(target().delete_if_equals(k, e));
  }
  io::Result<bool> expire_if_equals(const std::string& k, const std::string& e,
                                    std::int64_t ttl_ms) override {
    return after(target().expire_if_equals(k, e, ttl_ms));
  }

 private:
  template <typename T>
  io::Result<T> after(io::Result<T> result) {
    if (!result.status().is_failed()) step_->after("cache");
    return result;
  }
  StepPtr step_;
};

class ProbedLocal final : public io::LocalStoreWrapper {
 public:
  ProbedLocal(io::LocalStore* inner, StepPtr step)
      : LocalStoreWrapper(inner), step_(std::move(step)) {}
  io::Status write(const io::LocalBatch& batch) override {
    io::Status status = target().write(batch);
    if (status.is_ok()) step_->after("local");
    return status;
  }

 private:
  StepPtr step_;
};

}  // namespace

ProbedStores probe_stores(io::Env& env, ProbeHook hook, std::function<void()> crash,
                          std::vector<io::SqlStore*>* shards) {
  FL_ASSERT(hook != nullptr && crash != nullptr);
  auto step = std::make_shared<const Step>(Step{std::move(hook), std::move(crash), &env.tasks});
  ProbedStores out;
  if (env.sql != nullptr) out.sql = std::make_unique<ProbedSql>(env.sql, step);
  if (env.events != nullptr) out.events = std::make_unique<ProbedEvents>(env.events, step);
  if (env.cache != nullptr) out.cache = std::make_unique<ProbedCache>(env.cache, step);
  if (env.local != nullptr) out.local = std::make_unique<ProbedLocal>(env.local, step);
  for (std::size_t i = 0; shards != nullptr && i < shards->size(); ++i) {
    out.shards.push_back(std::make_unique<ProbedSql>((*shards)[i], step));
    (*shards)[i] = out.shards.back().get();
  }
  if (out.sql) env.sql = out.sql.get();
  if (out.events) env.events = out.events.get();
  if (out.cache) env.cache = out.cache.get();
  if (out.local) env.local = out.local.get();
  return out;
}

}  // namespace fl::harness
