// The data-store contract, one suite for every backend (simulated models and, where built, real
// PostgreSQL 15 / Redis 7 / librdkafka): PostgreSQL's isolation levels (read committed sees
// commits between statements; repeatable read prevents lost updates and allows write skew;
// serializable refuses write skew), unique keys, ordered scans, a stale replica that catches up,
// commits that survive a crash; Redis' NX/XX, TTLs, counters, lease scripts and data loss after a
// crash without persistence; Kafka's per-key order and redelivery of uncommitted records to
// another member after a consumer is abandoned.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/contract/backend.h"

namespace fl::contract {
namespace {

using io::Isolation;

io::TableSchema accounts() {
  io::TableSchema s;
  s.name = "accounts";
  s.columns = {{"id", io::ColumnType::kInt64, false},
               {"balance", io::ColumnType::kInt64, false},
               {"owner", io::ColumnType::kText, true}};
  s.primary_key = {0};
  return s;
}
io::Key key(std::int64_t id) { return {io::Value(id)}; }
io::Row row(std::int64_t id, std::int64_t balance) {
  return {io::Value(id), io::Value(balance), io::Value(io::Null{})};
}
std::int64_t balance_of(const io::Row& r) { return std::get<std::int64_t>(r[1]); }

class Contract : public ::testing::TestWithParam<std::string> {
 public:
  void SetUp() override {
    backend_ = make_backend(GetParam());
    ASSERT_NE(backend_, nullptr);
  }
  Backend& b() { return *backend_; }
  std::unique_ptr<io::SqlTransaction> begin(Isolation iso, bool replica = false) {
    auto tx = (replica ? b().replica_sql() : b().sql()).begin(iso);
    EXPECT_TRUE(tx.is_ok()) << tx.status().to_string();
    return tx.is_ok() ? std::move(tx.value()) : nullptr;
  }
  // Creates accounts with ids 1..n, balance 100 each.
  void seed_accounts(int n) {
    ASSERT_TRUE(b().sql().create_table(accounts()).is_ok());
    auto tx = begin(Isolation::kReadCommitted);
    for (int i = 1; i <= n; ++i) ASSERT_TRUE(tx->insert("accounts", row(i, 100)).is_ok());
    ASSERT_TRUE(tx->commit().is_ok());
  }
  std::int64_t read(io::SqlTransaction& tx, std::int64_t id) {
    auto r = tx.get("accounts", key(id));
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() && r.value() ? balance_of(*r.value()) : -1;
  }
  io::Status set(io::SqlTransaction& tx, std::int64_t id, std::int64_t balance) {
    auto r = tx.update("accounts", key(id), {}, {{1, io::Value(balance)}});
    return r.is_ok() ? io::Status::ok() : r.status();
  }
  std::unique_ptr<Backend> backend_;
};

TEST_P(Contract, ReadCommittedSeesCommitsBetweenStatements) {
  b().run([&] {
    seed_accounts(1);
    auto a = begin(Isolation::kReadCommitted);
    EXPECT_EQ(read(*a, 1), 100);
    auto w = begin(Isolation::kReadCommitted);
    ASSERT_TRUE(set(*w, 1, 50).is_ok());
    ASSERT_TRUE(w->commit().is_ok());
    EXPECT_EQ(read(*a, 1), 50);
    ASSERT_TRUE(a->commit().is_ok());
  });
}

TEST_P(Contract, RepeatableReadPreventsLostUpdate) {
  b().run([&] {
    seed_accounts(1);
    auto t1 = begin(Isolation::kRepeatableRead);
    auto t2 = begin(Isolation::kRepeatableRead);
    EXPECT_EQ(read(*t1, 1), 100);
    EXPECT_EQ(read(*t2, 1), 100);
    ASSERT_TRUE(set(*t1, 1, 110).is_ok());
    ASSERT_TRUE(t1->commit().is_ok());
    io::Status lost = set(*t2, 1, 120);
    EXPECT_EQ(lost.kind(), io::ErrorKind::kSerialization) << lost.to_string();
    EXPECT_TRUE(lost.retryable());
  });
}

// Both transactions read both rows, then each zeroes a different one.
std::pair<bool, bool> write_skew(Contract* c, Isolation iso) {
  auto t1 = c->begin(iso);
  auto t2 = c->begin(iso);
  c->read(*t1, 1);
  c->read(*t1, 2);
  c->read(*t2, 1);
  c->read(*t2, 2);
  const bool ok1 = c->set(*t1, 1, 0).is_ok() && t1->commit().is_ok();
  const bool ok2 = c->set(*t2, 2, 0).is_ok() && t2->commit().is_ok();
  return {ok1, ok2};
}

TEST_P(Contract, RepeatableReadAllowsWriteSkew) {
  b().run([&] {
    seed_accounts(2);
    auto [ok1, ok2] = write_skew(this, Isolation::kRepeatableRead);
    EXPECT_TRUE(ok1);
    EXPECT_TRUE(ok2);
  });
}

TEST_P(Contract, SerializableRefusesWriteSkew) {
  b().run([&] {
    seed_accounts(2);
    auto [ok1, ok2] = write_skew(this, Isolation::kSerializable);
    EXPECT_FALSE(ok1 && ok2);
    EXPECT_TRUE(ok1 || ok2);
  });
}

TEST_P(Contract, UniqueKeysAndOrderedScans) {
  b().run([&] {
    seed_accounts(5);
    auto tx = begin(Isolation::kReadCommitted);
    EXPECT_EQ(tx->insert("accounts", row(3, 1)).kind(), io::ErrorKind::kConstraint);
    auto scan_tx = begin(Isolation::kReadCommitted);
    ASSERT_TRUE(set(*scan_tx, 4, 7).is_ok());
    io::ScanSpec spec;
    spec.from = key(2);
    spec.filters = {{1, io::CompareOp::kGt, io::Value(std::int64_t{50})}};
    spec.limit = 2;
    spec.descending = true;
    auto rows = scan_tx->scan("accounts", spec);
    ASSERT_TRUE(rows.is_ok());
    ASSERT_EQ(rows.value().size(), 2u);
    EXPECT_EQ(rows.value()[0][0], io::Value(std::int64_t{5}));
    EXPECT_EQ(rows.value()[1][0], io::Value(std::int64_t{3}));
    ASSERT_TRUE(scan_tx->commit().is_ok());
  });
}

// PostgreSQL's text cannot hold a NUL byte: a row, key or filter with one is refused (both
// backends alike), the transaction ends, and nothing was written. (libpq would cut "a\0x" and
// "a\0y" both to "a": two values stored as one.)
TEST_P(Contract, TextWithNulIsRefusedEverywhere) {
  b().run([&] {
    seed_accounts(1);
    const std::string nul("n\0x", 3);
    auto tx = begin(Isolation::kReadCommitted);
    io::Row r = row(2, 1);
    r[2] = io::Value(nul);
    EXPECT_EQ(tx->insert("accounts", r).kind(), io::ErrorKind::kInvalidArgument);
    auto filtered = begin(Isolation::kReadCommitted);
    io::ScanSpec spec;
    spec.filters = {{2, io::CompareOp::kEq, io::Value(nul)}};
    EXPECT_EQ(filtered->scan("accounts", spec).status().kind(), io::ErrorKind::kInvalidArgument);
    auto updated = begin(Isolation::kReadCommitted);
    EXPECT_EQ(updated->update("accounts", key(1), {}, {{2, io::Value(nul)}}).status().kind(),
              io::ErrorKind::kInvalidArgument);
    auto check = begin(Isolation::kReadCommitted);
    auto one = check->get("accounts", key(1));
    ASSERT_TRUE(one.is_ok() && one.value());
    EXPECT_EQ((*one.value())[2], io::Value(io::Null{}));
    EXPECT_FALSE(check->get("accounts", key(2)).value().has_value());
    ASSERT_TRUE(check->commit().is_ok());
  });
}

TEST_P(Contract, ReplicaCanBeStaleAndCatchesUp) {
  b().run([&] {
    seed_accounts(1);
    b().clock().sleep_ns(2 * io::kNsPerSec);  // the table and row reach the replica
    b().pause_replica();
    auto w = begin(Isolation::kReadCommitted);
    ASSERT_TRUE(set(*w, 1, 42).is_ok());
    ASSERT_TRUE(w->commit().is_ok());
    b().clock().sleep_ns(300 * io::kNsPerMs);
    auto r = begin(Isolation::kReadCommitted, true);
    EXPECT_EQ(read(*r, 1), 100);                             // stale
    EXPECT_FALSE(r->insert("accounts", row(9, 9)).is_ok());  // read-only
    b().resume_replica();
    std::int64_t seen = 0;
    for (int i = 0; i < 50 && seen != 42; ++i) {
      b().clock().sleep_ns(100 * io::kNsPerMs);
      auto again = begin(Isolation::kReadCommitted, true);
      seen = read(*again, 1);
    }
    EXPECT_EQ(seen, 42);
  });
}

// Retries begin() while a restarted or promoted server starts accepting sessions.
std::unique_ptr<io::SqlTransaction> begin_eventually(Backend& b, io::SqlStore& store) {
  for (int i = 0; i < 100; ++i) {
    auto t = store.begin(Isolation::kReadCommitted);
    if (t.is_ok()) {
      auto probe = t.value()->scan("accounts", io::ScanSpec{});
      if (probe.is_ok()) return std::move(t.value());
    }
    b.clock().sleep_ns(100 * io::kNsPerMs);
  }
  return nullptr;
}

TEST_P(Contract, AcknowledgedCommitsSurviveACrash) {
  b().run([&] {
    seed_accounts(20);
    b().crash_sql();
    b().restart_sql();
    auto tx = begin_eventually(b(), b().sql());  // pooled sessions died with the server
    ASSERT_NE(tx, nullptr);
    auto rows = tx->scan("accounts", io::ScanSpec{});
    ASSERT_TRUE(rows.is_ok());
    EXPECT_EQ(rows.value().size(), 20u);
  });
}

TEST_P(Contract, PromotedAsyncReplicaMayLackAcknowledgedCommits) {
  b().run([&] {
    seed_accounts(5);
    b().clock().sleep_ns(2 * io::kNsPerSec);  // the five rows reach the replica
    b().crash_replica();
    auto w = begin(Isolation::kReadCommitted);
    for (int i = 6; i <= 10; ++i) ASSERT_TRUE(w->insert("accounts", row(i, 1)).is_ok());
    ASSERT_TRUE(w->commit().is_ok());  // acknowledged by the primary alone
    b().crash_sql();
    b().restart_replica();
    b().promote_replica();
    auto r = begin_eventually(b(), b().replica_sql());
    ASSERT_NE(r, nullptr);
    auto rows = r->scan("accounts", io::ScanSpec{});
    ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
    EXPECT_EQ(rows.value().size(), 5u);  // the five acknowledged inserts are gone
    EXPECT_TRUE(r->insert("accounts", row(11, 1)).is_ok());  // the promoted replica writes
    EXPECT_TRUE(r->commit().is_ok());
  });
}

TEST_P(Contract, CacheConditionsTtlsCountersAndLeases) {
  if (!b().has_cache()) GTEST_SKIP() << "no Redis client for backend " << b().name() << " yet";
  b().run([&] {
    io::KvCache& kv = b().cache();
    EXPECT_TRUE(kv.set("a", "1", io::SetCondition::kIfAbsent, 0).value());
    EXPECT_FALSE(kv.set("a", "2", io::SetCondition::kIfAbsent, 0).value());
    EXPECT_FALSE(kv.set("b", "2", io::SetCondition::kIfPresent, 0).value());
    EXPECT_EQ(kv.get("a").value(), std::optional<std::string>("1"));
    EXPECT_EQ(kv.incr("n", 3).value(), 3);
    EXPECT_EQ(kv.incr("a", 1).value(), 2);
    EXPECT_EQ(kv.set_if_absent_or_get("lease", "me", 60000).value(), std::nullopt);
    EXPECT_EQ(kv.set_if_absent_or_get("lease", "you", 60000).value(),
              std::optional<std::string>("me"));
    EXPECT_FALSE(kv.delete_if_equals("lease", "you").value());
    EXPECT_TRUE(kv.delete_if_equals("lease", "me").value());
    EXPECT_TRUE(kv.set("t", "x", io::SetCondition::kAlways, 300).value());
    EXPECT_TRUE(kv.get("t").value().has_value());
    b().clock().sleep_ns(600 * io::kNsPerMs);
    EXPECT_FALSE(kv.get("t").value().has_value());
    EXPECT_TRUE(kv.del("a").value());
    EXPECT_FALSE(kv.del("a").value());
  });
}

TEST_P(Contract, CacheWithoutPersistenceLosesEverythingOnACrash) {
  if (!b().has_cache()) GTEST_SKIP() << "no Redis client for backend " << b().name() << " yet";
  b().run([&] {
    io::KvCache& kv = b().cache();
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(kv.set("k" + std::to_string(i), "v", io::SetCondition::kAlways, 0).value());
    }
    b().crash_cache();
    b().restart_cache();
    int survivors = 0;
    for (int i = 0; i < 10; ++i) {
      auto v = kv.get("k" + std::to_string(i));
      for (int retry = 0; retry < 20 && !v.is_ok(); ++retry) {
        b().clock().sleep_ns(100 * io::kNsPerMs);
        v = kv.get("k" + std::to_string(i));
      }
      ASSERT_TRUE(v.is_ok()) << v.status().to_string();
      survivors += v.value().has_value() ? 1 : 0;
    }
    EXPECT_EQ(survivors, 0);
  });
}

std::vector<io::EventRecord> poll_until(Backend& b, io::EventLog& log, std::size_t want,
                                        int rounds) {
  std::vector<io::EventRecord> got;
  for (int i = 0; i < rounds && got.size() < want; ++i) {
    auto r = log.poll(100, b.clock().deadline_after_ns(500 * io::kNsPerMs));
    if (r.is_ok()) got.insert(got.end(), r.value().begin(), r.value().end());
  }
  return got;
}

TEST_P(Contract, EventsKeepKeyOrderAndRedeliverUncommitted) {
  if (!b().has_events()) GTEST_SKIP() << "no Kafka client for backend " << b().name() << " yet";
  b().run([&] {
    auto producer = b().events("producer");
    const io::Status created = producer->create_topic("orders", 2);
    ASSERT_TRUE(created.is_ok()) << created.to_string();
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(
          producer->produce("orders", "k" + std::to_string(i % 4), std::to_string(i)).is_ok());
    }
    std::set<std::string> uncommitted;
    {
      auto first = b().events("consumer-1");
      ASSERT_TRUE(first->subscribe("g", {"orders"}).is_ok());
      auto got = poll_until(b(), *first, 20, 60);
      ASSERT_EQ(got.size(), 20u);
      std::map<std::string, int> last;
      std::map<io::TopicPartition, std::int64_t> commit;
      for (std::size_t i = 0; i < got.size(); ++i) {
        const int v = std::stoi(got[i].value);
        EXPECT_GT(v, last.count(got[i].key) ? last[got[i].key] : -1);
        last[got[i].key] = v;
        if (got[i].offset < 3)
          commit[{got[i].topic, got[i].partition}] = got[i].offset + 1;
        else
          uncommitted.insert(got[i].value);
      }
      ASSERT_TRUE(first->commit(commit).is_ok());
    }  // the first consumer is abandoned without committing the rest
    auto second = b().events("consumer-2");
    ASSERT_TRUE(second->subscribe("g", {"orders"}).is_ok());
    std::set<std::string> again;
    const int rounds = static_cast<int>(b().session_timeout_ns() / (500 * io::kNsPerMs)) + 20;
    for (const auto& r : poll_until(b(), *second, uncommitted.size(), rounds)) {
      again.insert(r.value);
    }
    EXPECT_EQ(again, uncommitted);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, Contract, ::testing::ValuesIn(backend_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace fl::contract
