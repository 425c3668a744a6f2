#include "scenarios/saga_probes.h"

namespace fl::scenarios {
namespace {

class ProbedTransaction final : public io::SqlTransaction {
 public:
  ProbedTransaction(std::unique_ptr<io::SqlTransaction> inner, const DurableStepHook* hook)
      : inner_(std::move(inner)), hook_(hook) {}
  io::Result<std::optional<io::Row>> get(const std::string& t, const io::Key& k) override {
    return inner_->get(t, k);
  }
  io::Status insert(const std::string& t, const io::Row& r) override {
    return inner_->insert(t, r);
  }
  io::Status upsert(const std::string& t, const io::Row& r) override {
    return inner_->upsert(t, r);
  }
  io::Result<bool> update(const std::string& t, const io::Key& k, const std::vector<io::Filter>& c,
                          const std::vector<io::Assignment>& a) override {
    return inner_->update(t, k, c, a);
  }
  io::Result<bool> remove(const std::string& t, const io::Key& k) override {
    return inner_->remove(t, k);
  }
  io::Result<std::vector<io::Row>> scan(const std::string& t, const io::ScanSpec& s) override {
    return inner_->scan(t, s);
  }
  io::Status commit() override {
    io::Status status = inner_->commit();
    if (!status.is_failed() && *hook_) (*hook_)("commit");
    return status;
  }
  void rollback() override { inner_->rollback(); }

 private:
  std::unique_ptr<io::SqlTransaction> inner_;
  const DurableStepHook* hook_;
};

class ProbedSql final : public io::SqlStore {
 public:
  ProbedSql(io::SqlStore* inner, DurableStepHook hook) : inner_(inner), hook_(std::move(hook)) {}
  io::Status create_table(const io::TableSchema& schema) override {
    return inner_->create_table(schema);
  }
  io::Result<std::unique_ptr<io::SqlTransaction>> begin(io::Isolation isolation) override {
    auto begun = inner_->begin(isolation);
    if (!begun.is_ok()) return begun.status();
    return std::unique_ptr<io::SqlTransaction>(
        std::make_unique<ProbedTransaction>(std::move(begun.value()), &hook_));
  }

 private:
  io::SqlStore* inner_;
  DurableStepHook hook_;
};

class ProbedEvents final : public io::EventLog {
 public:
  ProbedEvents(io::EventLog* inner, DurableStepHook hook) : inner_(inner), hook_(std::move(hook)) {}
  io::Status create_topic(const std::string& topic, int partitions) override {
    return inner_->create_topic(topic, partitions);
  }
  io::Result<io::ProducedAt> produce(const std::string& topic, const std::string& key,
                                     const std::string& value) override {
    auto at = inner_->produce(topic, key, value);
    if (!at.status().is_failed() && hook_) hook_("produce");
    return at;
  }
  io::Status subscribe(const std::string& group, const std::vector<std::string>& topics) override {
    return inner_->subscribe(group, topics);
  }
  io::Result<std::vector<io::EventRecord>> poll(std::size_t max, io::Deadline deadline) override {
    return inner_->poll(max, deadline);
  }
  io::Status commit(const std::map<io::TopicPartition, std::int64_t>& offsets) override {
    return inner_->commit(offsets);
  }

 private:
  io::EventLog* inner_;
  DurableStepHook hook_;
};

class ProbedCache final : public io::KvCache {
 public:
  ProbedCache(io::KvCache* inner, DurableStepHook hook) : inner_(inner), hook_(std::move(hook)) {}
  io::Result<std::optional<std::string>> get(const std::string& key) override {
    return inner_->get(key);
  }
  io::Result<bool> set(const std::string& k, const std::string& v, io::SetCondition c,
                       std::int64_t ttl_ms) override {
    return after(inner_->set(k, v, c, ttl_ms));
  }
  io::Result<std::int64_t> incr(const std::string& k, std::int64_t by) override {
    return after(inner_->incr(k, by));
  }
  io::Result<bool> del(const std::string& k) override { return after(inner_->del(k)); }
  io::Result<bool> expire(const std::string& k, std::int64_t ttl_ms) override {
    return after(inner_->expire(k, ttl_ms));
  }
  io::Result<std::optional<std::string>> set_if_absent_or_get(const std::string& k,
                                                              const std::string& v,
                                                              std::int64_t ttl_ms) override {
    return after(inner_->set_if_absent_or_get(k, v, ttl_ms));
  }
  io::Result<bool> delete_if_equals(const std::string& k, const std::string& e) override {
    return after(inner_->delete_if_equals(k, e));
  }
  io::Result<bool> expire_if_equals(const std::string& k, const std::string& e,
                                    std::int64_t ttl_ms) override {
    return after(inner_->expire_if_equals(k, e, ttl_ms));
  }

 private:
  template <typename T>
  io::Result<T> after(io::Result<T> result) {
    if (!result.status().is_failed() && hook_) hook_("cache");
    return result;
  }
  io::KvCache* inner_;
  DurableStepHook hook_;
};

}  // namespace

std::unique_ptr<io::SqlStore> probe_sql(io::SqlStore* inner, DurableStepHook hook) {
  return std::make_unique<ProbedSql>(inner, std::move(hook));
}
std::unique_ptr<io::EventLog> probe_events(io::EventLog* inner, DurableStepHook hook) {
  return std::make_unique<ProbedEvents>(inner, std::move(hook));
}
std::unique_ptr<io::KvCache> probe_cache(io::KvCache* inner, DurableStepHook hook) {
  return std::make_unique<ProbedCache>(inner, std::move(hook));
}

}  // namespace fl::scenarios
