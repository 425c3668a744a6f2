// Proves the simulated PostgreSQL engine has PostgreSQL's isolation semantics, case by case:
// read committed sees commits between statements and re-checks conditions on the newest version
// (so lost updates happen); repeatable read keeps one snapshot, refuses lost updates (first
// updater wins) and allows write skew; serializable refuses write skew; writers block on row
// locks and a wait cycle is a deadlock error; unique keys; crash aborts in-flight transactions;
// a replica that applies the commit log reads the same data.
#include <gtest/gtest.h>

#include "sim/pg/mvcc.h"

namespace fl::sim::pg {
namespace {

using io::Isolation;

io::TableSchema accounts() {
  io::TableSchema s;
  s.name = "accounts";
  s.columns = {{"id", io::ColumnType::kInt64, false}, {"balance", io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  return s;
}
io::Key k(std::int64_t id) { return {io::Value(id)}; }
io::Row r(std::int64_t id, std::int64_t v) { return {io::Value(id), io::Value(v)}; }

class Mvcc : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db.create_table(accounts()).is_ok());
    TxId t = db.begin(Isolation::kReadCommitted);
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE(db.insert(t, "accounts", r(i, 100), true).done->is_ok());
    ASSERT_TRUE(db.commit(t).is_ok());
  }
  std::int64_t read(TxId t, std::int64_t id) {
    auto op = db.get(t, "accounts", k(id));
    EXPECT_TRUE(op.done.has_value() && op.done->is_ok());
    const auto& row = op.done->value();
    return row ? std::get<std::int64_t>((*row)[1]) : -1;
  }
  Op<bool> set(TxId t, std::int64_t id, std::int64_t v, bool fresh = true) {
    return db.update(t, "accounts", k(id), {}, {{1, io::Value(v)}}, fresh);
  }
  MvccEngine db;
};

TEST_F(Mvcc, ReadCommittedSeesCommitsBetweenStatements) {
  TxId a = db.begin(Isolation::kReadCommitted);
  EXPECT_EQ(read(a, 1), 100);
  TxId b = db.begin(Isolation::kReadCommitted);
  ASSERT_TRUE(set(b, 1, 50).done->value());
  EXPECT_EQ(read(a, 1), 100);  // b not committed yet
  ASSERT_TRUE(db.commit(b).is_ok());
  EXPECT_EQ(read(a, 1), 50);
}

TEST_F(Mvcc, RepeatableReadKeepsItsSnapshot) {
  TxId a = db.begin(Isolation::kRepeatableRead);
  EXPECT_EQ(read(a, 1), 100);
  TxId b = db.begin(Isolation::kReadCommitted);
  ASSERT_TRUE(set(b, 1, 50).done->value());
  ASSERT_TRUE(db.commit(b).is_ok());
  EXPECT_EQ(read(a, 1), 100);
}

TEST_F(Mvcc, RepeatableReadPreventsLostUpdate) {
  TxId a = db.begin(Isolation::kRepeatableRead);
  TxId b = db.begin(Isolation::kRepeatableRead);
  EXPECT_EQ(read(a, 1), 100);
  EXPECT_EQ(read(b, 1), 100);
  ASSERT_TRUE(set(a, 1, 110).done->value());
  auto blocked = set(b, 1, 120);
  ASSERT_FALSE(blocked.done.has_value());
  EXPECT_EQ(blocked.blocked_on, a);
  ASSERT_TRUE(db.commit(a).is_ok());
  auto retried = set(b, 1, 120, false);
  ASSERT_TRUE(retried.done.has_value());
  EXPECT_EQ(retried.done->status().kind(), io::ErrorKind::kSerialization);
  EXPECT_TRUE(retried.done->status().retryable());
  EXPECT_FALSE(db.active(b));
}

TEST_F(Mvcc, ReadCommittedAllowsLostUpdateAndRechecksConditions) {
  TxId a = db.begin(Isolation::kReadCommitted);
  TxId b = db.begin(Isolation::kReadCommitted);
  EXPECT_EQ(read(a, 1), 100);
  EXPECT_EQ(read(b, 1), 100);
  ASSERT_TRUE(set(a, 1, 110).done->value());
  ASSERT_FALSE(set(b, 1, 120).done.has_value());  // blocked on a's row lock
  ASSERT_TRUE(db.commit(a).is_ok());
  ASSERT_TRUE(set(b, 1, 120, false).done->value());  // proceeds on the newest version
  ASSERT_TRUE(db.commit(b).is_ok());
  TxId c = db.begin(Isolation::kReadCommitted);
  EXPECT_EQ(read(c, 1), 120);  // a's +10 is lost
  // A conditional update re-checks its condition against the newest version (EvalPlanQual).
  TxId d = db.begin(Isolation::kReadCommitted);
  TxId e = db.begin(Isolation::kReadCommitted);
  ASSERT_TRUE(set(d, 2, 0).done->value());
  std::vector<io::Filter> only_if_100 = {{1, io::CompareOp::kEq, io::Value(std::int64_t{100})}};
  ASSERT_FALSE(db.update(e, "accounts", k(2), only_if_100, {{1, io::Value(std::int64_t{7})}}, true)
                   .done.has_value());
  ASSERT_TRUE(db.commit(d).is_ok());
  auto rechecked =
      db.update(e, "accounts", k(2), only_if_100, {{1, io::Value(std::int64_t{7})}}, false);
  ASSERT_TRUE(rechecked.done->is_ok());
  EXPECT_FALSE(rechecked.done->value());
}

// Two doctors on call: each checks that the other is on call, then goes off call.
void write_skew(MvccEngine& db, Isolation iso, io::Status* sa, io::Status* sb) {
  TxId a = db.begin(iso);
  TxId b = db.begin(iso);
  for (TxId t : {a, b}) {
    for (std::int64_t id : {1, 2}) ASSERT_TRUE(db.get(t, "accounts", k(id)).done->is_ok());
  }
  ASSERT_TRUE(
      db.update(a, "accounts", k(1), {}, {{1, io::Value(std::int64_t{0})}}, true).done->is_ok());
  ASSERT_TRUE(
      db.update(b, "accounts", k(2), {}, {{1, io::Value(std::int64_t{0})}}, true).done->is_ok());
  *sa = db.commit(a);
  *sb = db.commit(b);
}

TEST_F(Mvcc, RepeatableReadAllowsWriteSkew) {
  io::Status a = io::Status::ok(), b = io::Status::ok();
  write_skew(db, Isolation::kRepeatableRead, &a, &b);
  EXPECT_TRUE(a.is_ok());
  EXPECT_TRUE(b.is_ok());
}

TEST_F(Mvcc, SerializableRefusesWriteSkew) {
  io::Status a = io::Status::ok(), b = io::Status::ok();
  write_skew(db, Isolation::kSerializable, &a, &b);
  EXPECT_NE(a.is_ok(), b.is_ok()) << a.to_string() << " / " << b.to_string();
  const io::Status& failed = a.is_ok() ? b : a;
  EXPECT_EQ(failed.kind(), io::ErrorKind::kSerialization);
}

TEST_F(Mvcc, SerializableAllowsDisjointWork) {
  TxId a = db.begin(Isolation::kSerializable);
  TxId b = db.begin(Isolation::kSerializable);
  EXPECT_EQ(read(a, 1), 100);
  EXPECT_EQ(read(b, 2), 100);
  ASSERT_TRUE(set(a, 1, 1).done->value());
  ASSERT_TRUE(set(b, 2, 2).done->value());
  EXPECT_TRUE(db.commit(a).is_ok());
  EXPECT_TRUE(db.commit(b).is_ok());
}

TEST_F(Mvcc, WaitCycleIsADeadlock) {
  TxId a = db.begin(Isolation::kReadCommitted);
  TxId b = db.begin(Isolation::kReadCommitted);
  ASSERT_TRUE(set(a, 1, 1).done->value());
  ASSERT_TRUE(set(b, 2, 2).done->value());
  auto wa = set(a, 2, 1);
  ASSERT_EQ(wa.blocked_on, b);
  ASSERT_TRUE(db.note_wait(a, b).is_ok());
  auto wb = set(b, 1, 2);
  ASSERT_EQ(wb.blocked_on, a);
  io::Status dl = db.note_wait(b, a);
  EXPECT_EQ(dl.kind(), io::ErrorKind::kSerialization);
  EXPECT_NE(dl.message().find("deadlock"), std::string::npos);
  EXPECT_FALSE(db.active(b));
  db.clear_wait(a);
  EXPECT_TRUE(set(a, 2, 1, false).done->value());  // b's lock is gone
  EXPECT_TRUE(db.commit(a).is_ok());
}

TEST_F(Mvcc, UniqueKeys) {
  TxId a = db.begin(Isolation::kReadCommitted);
  auto dup = db.insert(a, "accounts", r(1, 5), true);
  EXPECT_EQ(dup.done->status().kind(), io::ErrorKind::kConstraint);
  TxId b = db.begin(Isolation::kReadCommitted);
  TxId c = db.begin(Isolation::kReadCommitted);
  ASSERT_TRUE(db.insert(b, "accounts", r(9, 1), true).done->is_ok());
  auto waits = db.insert(c, "accounts", r(9, 2), true);
  ASSERT_EQ(waits.blocked_on, b);
  db.abort(b);
  EXPECT_TRUE(db.insert(c, "accounts", r(9, 2), false).done->is_ok());
  EXPECT_TRUE(db.commit(c).is_ok());
}

TEST_F(Mvcc, ScanOrderFiltersLimits) {
  TxId a = db.begin(Isolation::kReadCommitted);
  ASSERT_TRUE(set(a, 2, 5).done->value());
  io::ScanSpec spec;
  spec.filters = {{1, io::CompareOp::kGe, io::Value(std::int64_t{50})}};
  auto all = db.scan(a, "accounts", spec);
  ASSERT_EQ(all.done->value().size(), 2u);
  EXPECT_EQ(all.done->value()[0], r(1, 100));
  EXPECT_EQ(all.done->value()[1], r(3, 100));
  spec.descending = true;
  spec.limit = 1;
  spec.filters.clear();
  auto last = db.scan(a, "accounts", spec);
  ASSERT_EQ(last.done->value().size(), 1u);
  EXPECT_EQ(last.done->value()[0], r(3, 100));
  spec = io::ScanSpec{};
  spec.from = k(2);
  spec.until = k(3);
  auto mid = db.scan(a, "accounts", spec);
  ASSERT_EQ(mid.done->value().size(), 1u);
  EXPECT_EQ(mid.done->value()[0], r(2, 5));
}

TEST_F(Mvcc, CrashAbortsInFlightAndReplicaMatches) {
  TxId a = db.begin(Isolation::kReadCommitted);
  ASSERT_TRUE(set(a, 1, 1).done->value());
  TxId b = db.begin(Isolation::kReadCommitted);
  ASSERT_TRUE(set(b, 2, 2).done->value());
  ASSERT_TRUE(db.commit(b).is_ok());
  db.abort_all();
  TxId c = db.begin(Isolation::kReadCommitted);
  EXPECT_EQ(read(c, 1), 100);
  EXPECT_EQ(read(c, 2), 2);
  MvccEngine replica;
  replica.use_tx_ids_from(1ULL << 62);
  ASSERT_TRUE(replica.create_table(accounts()).is_ok());
  for (const auto& rec : db.commit_log()) replica.apply_committed(rec);
  TxId rr = replica.begin(Isolation::kRepeatableRead);
  for (std::int64_t id = 1; id <= 3; ++id) {
    EXPECT_EQ(std::get<std::int64_t>((*replica.get(rr, "accounts", k(id)).done->value())[1]),
              read(c, id));
  }
}

}  // namespace
}  // namespace fl::sim::pg
