// Forwarding bases for every seam interface, as LevelDB's EnvWrapper: each forwards every call to
// a target it does not own, so a decorator (a probe, a fence, a fault injector, a counter)
// overrides only the calls it changes and stays a few lines long.
//
// Contract: a wrapper adds nothing of its own: a call on it is the same call on its target, with
// the same outcomes and the same crash behaviour. Subclasses that change a call must keep the
// target's contract (system/io/*.h) or state in their file comment which fault they inject.
// REQUIRES: the target outlives the wrapper (SqlTransactionWrapper owns its transaction).
#pragma once

#include <memory>
#include <utility>

#include "system/io/assert.h"
#include "system/io/clock.h"
#include "system/io/event_log.h"
#include "system/io/kv_cache.h"
#include "system/io/local_store.h"
#include "system/io/sql_store.h"
#include "system/io/tasks.h"
#include "system/io/transport.h"

namespace fl::io {

class SqlTransactionWrapper : public SqlTransaction {
 public:
  explicit SqlTransactionWrapper(std::unique_ptr<SqlTransaction> target)
      : target_(std::move(target)) {
    FL_ASSERT(target_ != nullptr);
  }
  SqlTransaction& target() { return *target_; }

  Result<std::optional<Row>> get(const std::string& table, const Key& key) override {
    return target_->get(table, key);
  }
  Status insert(const std::string& table, const Row& row) override {
    return target_->insert(table, row);
  }
  Status upsert(const std::string& table, const Row& row) override {
    return target_->upsert(table, row);
  }
  Result<bool> update(const std::string& table, const Key& key,
                      const std::vector<Filter>& conditions,
                      const std::vector<Assignment>& assignments) override {
    return target_->update(table, key, conditions, assignments);
  }
  Result<bool> remove(const std::string& table, const Key& key) override {
    return target_->remove(table, key);
  }
  Result<std::vector<Row>> scan(const std::string& table, const ScanSpec& spec) override {
    return target_->scan(table, spec);
  }
  Status commit() override { return target_->commit(); }
  void rollback() override { target_->rollback(); }

 private:
  std::unique_ptr<SqlTransaction> target_;
};

class SqlStoreWrapper : public SqlStore {
 public:
  explicit SqlStoreWrapper(SqlStore* target) : target_(target) { FL_ASSERT(target != nullptr); }
  SqlStore& target() { return *target_; }

  Status create_table(const TableSchema& schema) override { return target_->create_table(schema); }
  Result<std::unique_ptr<SqlTransaction>> begin(Isolation isolation) override {
    return target_->begin(isolation);
  }

 protected:
  // Wraps a transaction that begin() returned (subclasses that decorate transactions call it).
  template <typename Decorator, typename... Args>
  static Result<std::unique_ptr<SqlTransaction>> wrap(Result<std::unique_ptr<SqlTransaction>> begun,
                                                      Args&&... args) {
    if (!begun.is_ok()) return begun.status();
    return std::unique_ptr<SqlTransaction>(
        std::make_unique<Decorator>(std::move(begun.value()), std::forward<Args>(args)...));
  }

 private:
  SqlStore* target_;
};

class KvCacheWrapper : public KvCache {
 public:
  explicit KvCacheWrapper(KvCache* target) : target_(target) { FL_ASSERT(target != nullptr); }
  KvCache& target() { return *target_; }

  Result<std::optional<std::string>> get(const std::string& key) override {
    return target_->get(key);
  }
  Result<bool> set(const std::string& key, const std::string& value, SetCondition condition,
                   std::int64_t ttl_ms) override {
    return target_->set(key, value, condition, ttl_ms);
  }
  Result<std::int64_t> incr(const std::string& key, std::int64_t by) override {
    return target_->incr(key, by);
  }
  Result<bool> del(const std::string& key) override { return target_->del(key); }
  Result<bool> expire(const std::string& key, std::int64_t ttl_ms) override {
    return target_->expire(key, ttl_ms);
  }
  Result<std::optional<std::string>> set_if_absent_or_get(const std::string& key,
                                                          const std::string& value,
                                                          std::int64_t ttl_ms) override {
    return target_->set_if_absent_or_get(key, value, ttl_ms);
  }
  Result<bool> delete_if_equals(const std::string& key, const std::string& expected) override {
    return target_->delete_if_equals(key, expected);
  }
  Result<bool> expire_if_equals(const std::string& key, const std::string& expected,
                                std::int64_t ttl_ms) override {
    return target_->expire_if_equals(key, expected, ttl_ms);
  }

 private:
  KvCache* target_;
};

class EventLogWrapper : public EventLog {
 public:
  explicit EventLogWrapper(EventLog* target) : target_(target) { FL_ASSERT(target != nullptr); }
  EventLog& target() { return *target_; }

  Status create_topic(const std::string& topic, int partitions) override {
    return target_->create_topic(topic, partitions);
  }
  Result<ProducedAt> produce(const std::string& topic, const std::string& key,
                             const std::string& value) override {
    return target_->produce(topic, key, value);
  }
  Status subscribe(const std::string& group, const std::vector<std::string>& topics) override {
    return target_->subscribe(group, topics);
  }
  Result<std::vector<EventRecord>> poll(std::size_t max_records, Deadline deadline) override {
    return target_->poll(max_records, deadline);
  }
  Status commit(const std::map<TopicPartition, std::int64_t>& next_offsets) override {
    return target_->commit(next_offsets);
  }
  bool joined() const override { return target_->joined(); }

 private:
  EventLog* target_;
};

class LocalStoreWrapper : public LocalStore {
 public:
  explicit LocalStoreWrapper(LocalStore* target) : target_(target) { FL_ASSERT(target != nullptr); }
  LocalStore& target() { return *target_; }

  Result<std::optional<std::string>> get(const std::string& key) override {
    return target_->get(key);
  }
  Result<LocalEntries> scan(const std::string& prefix, std::size_t limit) override {
    return target_->scan(prefix, limit);
  }
  Status write(const LocalBatch& batch) override { return target_->write(batch); }

 private:
  LocalStore* target_;
};

class ClockWrapper : public Clock {
 public:
  explicit ClockWrapper(Clock* target) : target_(target) { FL_ASSERT(target != nullptr); }
  Clock& target() { return *target_; }

  std::int64_t monotonic_ns() override { return target_->monotonic_ns(); }
  std::int64_t wall_ns() override { return target_->wall_ns(); }
  void sleep_ns(std::int64_t duration_ns) override { target_->sleep_ns(duration_ns); }

 private:
  Clock* target_;
};

class TasksWrapper : public Tasks {
 public:
  explicit TasksWrapper(Tasks* target) : target_(target) { FL_ASSERT(target != nullptr); }
  Tasks& target() { return *target_; }

  const std::string& node_name() const override { return target_->node_name(); }
  std::uint64_t incarnation() const override { return target_->incarnation(); }
  void spawn(std::string name, std::function<void()> body) override {
    target_->spawn(std::move(name), std::move(body));
  }
  void yield() override { target_->yield(); }

 private:
  Tasks* target_;
};

class TransportWrapper : public Transport {
 public:
  explicit TransportWrapper(Transport* target) : target_(target) { FL_ASSERT(target != nullptr); }
  Transport& target() { return *target_; }

  void serve(Handler handler) override { target_->serve(std::move(handler)); }
  Result<Response> call(const std::string& node, const Request& request,
                        Deadline deadline) override {
    return target_->call(node, request, deadline);
  }

 private:
  Transport* target_;
};

}  // namespace fl::io
