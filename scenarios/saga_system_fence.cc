// The fence of the embedded saga services (see saga_system_fence.h): forwarding wrappers that
// throw io::NodeCrashed once the fence is closed.
#include "scenarios/saga_system_fence.h"

#include "system/io/assert.h"

namespace fl::scenarios {

void SagaFence::check() const {
  if (closed_) throw io::NodeCrashed{"embedded saga services (fence closed)"};
}

namespace {

class FencedTxn final : public io::SqlTransaction {
 public:
  FencedTxn(std::unique_ptr<io::SqlTransaction> inner, const SagaFence* fence)
      : inner_(std::move(inner)), fence_(fence) {}
  io::Result<std::optional<io::Row>> get(const std::string& t, const io::Key& k) override {
    fence_->check();
    return inner_->get(t, k);
  }
  io::Status insert(const std::string& t, const io::Row& r) override {
    fence_->check();
    return inner_->insert(t, r);
  }
  io::Status upsert(const std::string& t, const io::Row& r) override {
    fence_->check();
    return inner_->upsert(t, r);
  }
  io::Result<bool> update(const std::string& t, const io::Key& k, const std::vector<io::Filter>& c,
                          const std::vector<io::Assignment>& a) override {
    fence_->check();
    return inner_->update(t, k, c, a);
  }
  io::Result<bool> remove(const std::string& t, const io::Key& k) override {
    fence_->check();
    return inner_->remove(t, k);
  }
  io::Result<std::vector<io::Row>> scan(const std::string& t, const io::ScanSpec& s) override {
    fence_->check();
    return inner_->scan(t, s);
  }
  io::Status commit() override {
    fence_->check();
    return inner_->commit();
  }
  void rollback() override { inner_->rollback(); }

 private:
  std::unique_ptr<io::SqlTransaction> inner_;
  const SagaFence* fence_;
};

class FencedSql final : public io::SqlStore {
 public:
  FencedSql(io::SqlStore* inner, const SagaFence* fence) : inner_(inner), fence_(fence) {}
  io::Status create_table(const io::TableSchema& schema) override {
    fence_->check();
    return inner_->create_table(schema);
  }
  io::Result<std::unique_ptr<io::SqlTransaction>> begin(io::Isolation isolation) override {
    fence_->check();
    auto txn = inner_->begin(isolation);
    if (!txn.is_ok()) return txn.status();
    return std::unique_ptr<io::SqlTransaction>(
        std::make_unique<FencedTxn>(std::move(txn.value()), fence_));
  }

 private:
  io::SqlStore* inner_;
  const SagaFence* fence_;
};

class FencedCache final : public io::KvCache {
 public:
  FencedCache(io::KvCache* inner, const SagaFence* fence) : inner_(inner), fence_(fence) {}
  io::Result<std::optional<std::string>> get(const std::string& k) override {
    fence_->check();
    return inner_->get(k);
  }
  io::Result<bool> set(const std::string& k, const std::string& v, io::SetCondition c,
                       std::int64_t ttl_ms) override {
    fence_->check();
    return inner_->set(k, v, c, ttl_ms);
  }
  io::Result<std::int64_t> incr(const std::string& k, std::int64_t by) override {
    fence_->check();
    return inner_->incr(k, by);
  }
  io::Result<bool> del(const std::string& k) override {
    fence_->check();
    return inner_->del(k);
  }
  io::Result<bool> expire(const std::string& k, std::int64_t ttl_ms) override {
    fence_->check();
    return inner_->expire(k, ttl_ms);
  }
  io::Result<std::optional<std::string>> set_if_absent_or_get(const std::string& k,
                                                              const std::string& v,
                                                              std::int64_t ttl_ms) override {
    fence_->check();
    return inner_->set_if_absent_or_get(k, v, ttl_ms);
  }
  io::Result<bool> delete_if_equals(const std::string& k, const std::string& e) override {
    fence_->check();
    return inner_->delete_if_equals(k, e);
  }
  io::Result<bool> expire_if_equals(const std::string& k, const std::string& e,
                                    std::int64_t ttl_ms) override {
    fence_->check();
    return inner_->expire_if_equals(k, e, ttl_ms);
  }

 private:
  io::KvCache* inner_;
  const SagaFence* fence_;
};

class FencedEvents final : public io::EventLog {
 public:
  FencedEvents(io::EventLog* inner, const SagaFence* fence) : inner_(inner), fence_(fence) {}
  io::Status create_topic(const std::string& topic, int partitions) override {
    fence_->check();
    return inner_->create_topic(topic, partitions);
  }
  io::Result<io::ProducedAt> produce(const std::string& topic, const std::string& key,
                                     const std::string& value) override {
    fence_->check();
    return inner_->produce(topic, key, value);
  }
  io::Status subscribe(const std::string& group, const std::vector<std::string>& topics) override {
    fence_->check();
    return inner_->subscribe(group, topics);
  }
  io::Result<std::vector<io::EventRecord>> poll(std::size_t max_records,
                                                io::Deadline deadline) override {
    fence_->check();
    return inner_->poll(max_records, deadline);
  }
  io::Status commit(const std::map<io::TopicPartition, std::int64_t>& next) override {
    fence_->check();
    return inner_->commit(next);
  }

 private:
  io::EventLog* inner_;
  const SagaFence* fence_;
};

// Sleeping is a fenced call too: a fiber that only waits ends when it wakes after close().
class FencedClock final : public io::Clock {
 public:
  FencedClock(io::Clock& inner, const SagaFence* fence) : inner_(inner), fence_(fence) {}
  std::int64_t monotonic_ns() override { return inner_.monotonic_ns(); }
  std::int64_t wall_ns() override { return inner_.wall_ns(); }
  void sleep_ns(std::int64_t duration_ns) override {
    fence_->check();
    inner_.sleep_ns(duration_ns);
    fence_->check();
  }

 private:
  io::Clock& inner_;
  const SagaFence* fence_;
};

}  // namespace

// Counts the fibers spawned through it; a fiber ended by the closed fence ends quietly.
class FencedTasks final : public io::Tasks {
 public:
  FencedTasks(io::Tasks& inner, SagaFence* fence) : inner_(inner), fence_(fence) {}
  const std::string& node_name() const override { return inner_.node_name(); }
  std::uint64_t incarnation() const override { return inner_.incarnation(); }
  void spawn(std::string name, std::function<void()> body) override {
    fence_->check();
    SagaFence* fence = fence_;
    ++fence->live_;
    inner_.spawn(std::move(name), [fence, body = std::move(body)] {
      struct Done {
        SagaFence* fence;
        ~Done() { --fence->live_; }
      } done{fence};
      try {
        body();
      } catch (const io::NodeCrashed&) {
        if (!fence->closed()) throw;  // a real crash of the harness node: let it pass
      }
    });
  }
  void yield() override { inner_.yield(); }

 private:
  io::Tasks& inner_;
  SagaFence* fence_;
};

struct FencedEnv::Parts {
  std::unique_ptr<FencedTasks> tasks;
  std::unique_ptr<FencedClock> clock;
  std::unique_ptr<FencedSql> sql;
  std::unique_ptr<FencedCache> cache;
  std::unique_ptr<FencedEvents> events;
};

FencedEnv::FencedEnv(io::Env& inner, SagaFence* fence) : parts_(std::make_unique<Parts>()) {
  FL_ASSERT(fence != nullptr);
  parts_->tasks = std::make_unique<FencedTasks>(inner.tasks, fence);
  parts_->clock = std::make_unique<FencedClock>(inner.clock, fence);
  env_ = std::make_unique<io::Env>(
      io::Env{*parts_->clock, inner.random, *parts_->tasks, inner.transport});
  if (inner.sql != nullptr) {
    parts_->sql = std::make_unique<FencedSql>(inner.sql, fence);
    env_->sql = parts_->sql.get();
  }
  if (inner.cache != nullptr) {
    parts_->cache = std::make_unique<FencedCache>(inner.cache, fence);
    env_->cache = parts_->cache.get();
  }
  if (inner.events != nullptr) {
    parts_->events = std::make_unique<FencedEvents>(inner.events, fence);
    env_->events = parts_->events.get();
  }
}

FencedEnv::~FencedEnv() = default;

}  // namespace fl::scenarios
