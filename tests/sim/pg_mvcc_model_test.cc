// Model-based test (rc::state) of the simulated PostgreSQL engine against a reference: with one
// transaction at a time, at every isolation level, the engine must behave exactly like a plain
// ordered map with a copy-on-begin working set — every read, insert conflict, conditional update,
// delete, scan (range, filter, limit, order), commit and rollback.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <map>

#include "sim/pg/mvcc.h"

namespace fl::sim::pg {
namespace {

using Map = std::map<std::int64_t, std::int64_t>;

struct Model {
  Map committed;
  std::optional<Map> open;  // the working set of the open transaction
};

struct Sut {
  MvccEngine db;
  TxId tx = 0;
  Sut() {
    io::TableSchema s;
    s.name = "kv";
    s.columns = {{"k", io::ColumnType::kInt64, false}, {"v", io::ColumnType::kInt64, false}};
    s.primary_key = {0};
    RC_ASSERT(db.create_table(s).is_ok());
  }
};

io::Key key(std::int64_t k) { return {io::Value(k)}; }
io::Row row(std::int64_t k, std::int64_t v) { return {io::Value(k), io::Value(v)}; }
std::int64_t val(const io::Row& r) { return std::get<std::int64_t>(r[1]); }

using Cmd = rc::state::Command<Model, Sut>;

struct Begin : Cmd {
  io::Isolation iso = *rc::gen::element(
      io::Isolation::kReadCommitted, io::Isolation::kRepeatableRead, io::Isolation::kSerializable);
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.open); }
  void apply(Model& m) const override { m.open = m.committed; }
  void run(const Model&, Sut& s) const override { s.tx = s.db.begin(iso); }
  void show(std::ostream& os) const override { os << "Begin(" << io::to_string(iso) << ")"; }
};

struct Get : Cmd {
  std::int64_t k = *rc::gen::inRange<std::int64_t>(0, 8);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.open.has_value()); }
  void apply(Model&) const override {}
  void run(const Model& m, Sut& s) const override {
    auto op = s.db.get(s.tx, "kv", key(k));
    RC_ASSERT(op.done.has_value() && op.done->is_ok());
    auto it = m.open->find(k);
    RC_ASSERT(op.done->value().has_value() == (it != m.open->end()));
    if (it != m.open->end()) RC_ASSERT(val(*op.done->value()) == it->second);
  }
  void show(std::ostream& os) const override { os << "Get(" << k << ")"; }
};

struct Insert : Cmd {
  std::int64_t k = *rc::gen::inRange<std::int64_t>(0, 8);
  std::int64_t v = *rc::gen::inRange<std::int64_t>(0, 100);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.open.has_value()); }
  void apply(Model& m) const override {
    if (m.open->count(k))
      m.open.reset();  // constraint violation ends the transaction
    else
      (*m.open)[k] = v;
  }
  void run(const Model& m, Sut& s) const override {
    auto op = s.db.insert(s.tx, "kv", row(k, v), true);
    RC_ASSERT(op.done.has_value());
    if (m.open->count(k)) {
      RC_ASSERT(op.done->status().kind() == io::ErrorKind::kConstraint);
      RC_ASSERT(!s.db.active(s.tx));
    } else {
      RC_ASSERT(op.done->is_ok());
    }
  }
  void show(std::ostream& os) const override { os << "Insert(" << k << "," << v << ")"; }
};

struct Upsert : Cmd {
  std::int64_t k = *rc::gen::inRange<std::int64_t>(0, 8);
  std::int64_t v = *rc::gen::inRange<std::int64_t>(0, 100);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.open.has_value()); }
  void apply(Model& m) const override { (*m.open)[k] = v; }
  void run(const Model&, Sut& s) const override {
    RC_ASSERT(s.db.upsert(s.tx, "kv", row(k, v), true).done->is_ok());
  }
  void show(std::ostream& os) const override { os << "Upsert(" << k << "," << v << ")"; }
};

struct Update : Cmd {
  std::int64_t k = *rc::gen::inRange<std::int64_t>(0, 8);
  std::int64_t if_at_least = *rc::gen::inRange<std::int64_t>(0, 100);
  std::int64_t v = *rc::gen::inRange<std::int64_t>(0, 100);
  bool hit(const Model& m) const {
    auto it = m.open->find(k);
    return it != m.open->end() && it->second >= if_at_least;
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.open.has_value()); }
  void apply(Model& m) const override {
    if (hit(m)) (*m.open)[k] = v;
  }
  void run(const Model& m, Sut& s) const override {
    std::vector<io::Filter> cond = {{1, io::CompareOp::kGe, io::Value(if_at_least)}};
    auto op = s.db.update(s.tx, "kv", key(k), cond, {{1, io::Value(v)}}, true);
    RC_ASSERT(op.done.has_value() && op.done->is_ok());
    RC_ASSERT(op.done->value() == hit(m));
  }
  void show(std::ostream& os) const override {
    os << "Update(" << k << " if >= " << if_at_least << " to " << v << ")";
  }
};

struct Delete : Cmd {
  std::int64_t k = *rc::gen::inRange<std::int64_t>(0, 8);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.open.has_value()); }
  void apply(Model& m) const override { m.open->erase(k); }
  void run(const Model& m, Sut& s) const override {
    auto op = s.db.remove(s.tx, "kv", key(k), true);
    RC_ASSERT(op.done.has_value() && op.done->is_ok());
    RC_ASSERT(op.done->value() == (m.open->count(k) == 1));
  }
  void show(std::ostream& os) const override { os << "Delete(" << k << ")"; }
};

struct Scan : Cmd {
  std::int64_t from = *rc::gen::inRange<std::int64_t>(0, 9);
  std::int64_t until = *rc::gen::inRange<std::int64_t>(0, 9);
  std::size_t limit = *rc::gen::inRange<std::size_t>(0, 10);
  bool descending = *rc::gen::arbitrary<bool>();
  void checkPreconditions(const Model& m) const override { RC_PRE(m.open.has_value()); }
  void apply(Model&) const override {}
  void run(const Model& m, Sut& s) const override {
    io::ScanSpec spec;
    spec.from = key(from);
    spec.until = key(until);
    spec.limit = limit;
    spec.descending = descending;
    auto op = s.db.scan(s.tx, "kv", spec);
    RC_ASSERT(op.done.has_value() && op.done->is_ok());
    std::vector<std::pair<std::int64_t, std::int64_t>> expected;
    for (const auto& [k, v] : *m.open) {
      if (k >= from && k < until) expected.push_back({k, v});
    }
    if (descending) std::reverse(expected.begin(), expected.end());
    if (expected.size() > limit) expected.resize(limit);
    const auto& got = op.done->value();
    RC_ASSERT(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      RC_ASSERT(std::get<std::int64_t>(got[i][0]) == expected[i].first);
      RC_ASSERT(val(got[i]) == expected[i].second);
    }
  }
  void show(std::ostream& os) const override {
    os << "Scan([" << from << "," << until << ") limit " << limit << (descending ? " desc" : "")
       << ")";
  }
};

struct Commit : Cmd {
  void checkPreconditions(const Model& m) const override { RC_PRE(m.open.has_value()); }
  void apply(Model& m) const override {
    m.committed = *m.open;
    m.open.reset();
  }
  void run(const Model&, Sut& s) const override { RC_ASSERT(s.db.commit(s.tx).is_ok()); }
  void show(std::ostream& os) const override { os << "Commit"; }
};

struct Rollback : Cmd {
  void checkPreconditions(const Model& m) const override { RC_PRE(m.open.has_value()); }
  void apply(Model& m) const override { m.open.reset(); }
  void run(const Model&, Sut& s) const override {
    s.db.abort(s.tx);
    RC_ASSERT(!s.db.active(s.tx));
  }
  void show(std::ostream& os) const override { os << "Rollback"; }
};

RC_GTEST_PROP(MvccModel, SerialTransactionsBehaveLikeAMap, ()) {
  Model model;
  Sut sut;
  rc::state::check(model, sut,
                   rc::state::gen::execOneOfWithArgs<Begin, Get, Insert, Upsert, Update, Delete,
                                                     Scan, Commit, Rollback>());
}

}  // namespace
}  // namespace fl::sim::pg
