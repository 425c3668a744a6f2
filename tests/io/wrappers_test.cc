// Proves the seam's forwarding bases (system/io/wrappers.h): a wrapper passes every call, its
// arguments and its outcome through unchanged to its target, and a decorator that overrides one
// call changes that call only. How: fake targets record what reached them and answer with
// distinctive outcomes.
#include "system/io/wrappers.h"

#include <gtest/gtest.h>

#include <cctype>
#include <memory>

namespace fl::io {
namespace {

class FakeCache final : public KvCache {
 public:
  std::vector<std::string> calls;
  Result<std::optional<std::string>> get(const std::string& k) override {
    calls.push_back("get " + k);
    return std::optional<std::string>("v:" + k);
  }
  Result<bool> set(const std::string& k, const std::string& v, SetCondition c,
                   std::int64_t ttl) override {
    calls.push_back("set " + k + "=" + v + " " + std::to_string(static_cast<int>(c)) + " " +
                    std::to_string(ttl));
    return Status::indeterminate(ErrorKind::kTimeout, "lost reply");
  }
  Result<std::int64_t> incr(const std::string& k, std::int64_t by) override {
    calls.push_back("incr " + k);
    return by + 1;
  }
  Result<bool> del(const std::string& k) override {
    calls.push_back("del " + k);
    return Status::failed(ErrorKind::kUnavailable, "down", true);
  }
  Result<bool> expire(const std::string& k, std::int64_t) override {
    calls.push_back("expire " + k);
    return true;
  }
  Result<std::optional<std::string>> set_if_absent_or_get(const std::string& k, const std::string&,
                                                          std::int64_t) override {
    calls.push_back("snx " + k);
    return std::optional<std::string>();
  }
  Result<bool> delete_if_equals(const std::string& k, const std::string&) override {
    calls.push_back("deq " + k);
    return false;
  }
  Result<bool> expire_if_equals(const std::string& k, const std::string&, std::int64_t) override {
    calls.push_back("eeq " + k);
    return true;
  }
};

TEST(Wrappers, KvCacheWrapperForwardsEveryCallAndOutcome) {
  FakeCache fake;
  KvCacheWrapper w(&fake);
  EXPECT_EQ(w.get("a").value(), std::optional<std::string>("v:a"));
  EXPECT_TRUE(w.set("b", "1", SetCondition::kIfAbsent, 7).status().is_indeterminate());
  EXPECT_EQ(w.incr("c", 4).value(), 5);
  const Status del = w.del("d").status();
  EXPECT_TRUE(del.is_failed() && del.retryable());
  EXPECT_TRUE(w.expire("e", 1).value());
  EXPECT_FALSE(w.set_if_absent_or_get("f", "x", 1).value().has_value());
  EXPECT_FALSE(w.delete_if_equals("g", "x").value());
  EXPECT_TRUE(w.expire_if_equals("h", "x", 1).value());
  EXPECT_EQ(fake.calls, (std::vector<std::string>{"get a", "set b=1 1 7", "incr c", "del d",
                                                  "expire e", "snx f", "deq g", "eeq h"}));
  EXPECT_EQ(&w.target(), &fake);
}

// A decorator overrides what it changes and nothing else.
class Upper final : public KvCacheWrapper {
 public:
  using KvCacheWrapper::KvCacheWrapper;
  Result<std::optional<std::string>> get(const std::string& k) override {
    auto r = target().get(k);
    if (!r.is_ok() || !r.value()) return r;
    std::string v = *r.value();
    for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return std::optional<std::string>(v);
  }
};

TEST(Wrappers, ADecoratorChangesOnlyWhatItOverrides) {
  FakeCache fake;
  Upper up(&fake);
  EXPECT_EQ(up.get("a").value(), std::optional<std::string>("V:A"));
  EXPECT_EQ(up.incr("c", 1).value(), 2);
  EXPECT_EQ(fake.calls, (std::vector<std::string>{"get a", "incr c"}));
}

class FakeTxn final : public SqlTransaction {
 public:
  explicit FakeTxn(std::vector<std::string>* calls) : calls_(calls) {}
  Result<std::optional<Row>> get(const std::string& t, const Key&) override {
    calls_->push_back("get " + t);
    return std::optional<Row>();
  }
  Status insert(const std::string& t, const Row&) override {
    calls_->push_back("insert " + t);
    return Status::failed(ErrorKind::kConstraint, "dup");
  }
  Status upsert(const std::string& t, const Row&) override {
    calls_->push_back("upsert " + t);
    return Status::ok();
  }
  Result<bool> update(const std::string& t, const Key&, const std::vector<Filter>&,
                      const std::vector<Assignment>&) override {
    calls_->push_back("update " + t);
    return true;
  }
  Result<bool> remove(const std::string& t, const Key&) override {
    calls_->push_back("remove " + t);
    return false;
  }
  Result<std::vector<Row>> scan(const std::string& t, const ScanSpec& s) override {
    calls_->push_back("scan " + t + " " + std::to_string(s.limit));
    return std::vector<Row>{};
  }
  Status commit() override {
    calls_->push_back("commit");
    return Status::indeterminate(ErrorKind::kConnectionLost, "?");
  }
  void rollback() override { calls_->push_back("rollback"); }

 private:
  std::vector<std::string>* calls_;
};

class FakeSql final : public SqlStore {
 public:
  std::vector<std::string> calls;
  Status create_table(const TableSchema& s) override {
    calls.push_back("create " + s.name);
    return Status::ok();
  }
  Result<std::unique_ptr<SqlTransaction>> begin(Isolation) override {
    calls.push_back("begin");
    return std::unique_ptr<SqlTransaction>(std::make_unique<FakeTxn>(&calls));
  }
};

// Counts commits: the probe pattern (a transaction decorator made by a store decorator).
class CountingTxn final : public SqlTransactionWrapper {
 public:
  CountingTxn(std::unique_ptr<SqlTransaction> inner, int* commits)
      : SqlTransactionWrapper(std::move(inner)), commits_(commits) {}
  Status commit() override {
    ++*commits_;
    return target().commit();
  }

 private:
  int* commits_;
};

class CountingSql final : public SqlStoreWrapper {
 public:
  CountingSql(SqlStore* inner, int* commits) : SqlStoreWrapper(inner), commits_(commits) {}
  Result<std::unique_ptr<SqlTransaction>> begin(Isolation i) override {
    return wrap<CountingTxn>(target().begin(i), commits_);
  }

 private:
  int* commits_;
};

TEST(Wrappers, SqlWrappersForwardAndTransactionsCanBeDecorated) {
  FakeSql fake;
  int commits = 0;
  CountingSql sql(&fake, &commits);
  EXPECT_TRUE(sql.create_table({"t", {}, {}, {}}).is_ok());
  auto tx = sql.begin(Isolation::kSerializable);
  ASSERT_TRUE(tx.is_ok());
  EXPECT_FALSE(tx.value()->get("t", {}).value().has_value());
  EXPECT_EQ(tx.value()->insert("t", {}).kind(), ErrorKind::kConstraint);
  EXPECT_TRUE(tx.value()->upsert("t", {}).is_ok());
  EXPECT_TRUE(tx.value()->update("t", {}, {}, {}).value());
  EXPECT_FALSE(tx.value()->remove("t", {}).value());
  ScanSpec spec;
  spec.limit = 3;
  EXPECT_TRUE(tx.value()->scan("t", spec).value().empty());
  EXPECT_TRUE(tx.value()->commit().is_indeterminate());
  tx.value()->rollback();
  EXPECT_EQ(commits, 1);
  EXPECT_EQ(fake.calls,
            (std::vector<std::string>{"create t", "begin", "get t", "insert t", "upsert t",
                                      "update t", "remove t", "scan t 3", "commit", "rollback"}));
}

}  // namespace
}  // namespace fl::io
