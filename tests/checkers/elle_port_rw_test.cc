// Elle's own rw-register and consistency-model test cases, ported: the histories and expected
// results of jepsen-io/elle test/elle/rw_register_test.clj at 42a156445af5 (checker-test,
// lost-update-test: :valid?, :anomaly-types, :not through elle_port.h) and the anomaly ->
// model tables of test/elle/consistency_model_test.clj at dda36d8306a4 (anomalies-prohibited-by,
// anomalies->impossible-models, friendly-boundary, weakest-models). Elle's `op` histories are
// completions only (process 0), `pair` an invocation then its completion. Known differences,
// each explained at its case: we always infer that a transaction's write follows its own read
// (Elle's :wfr-keys?, off by Elle's default), and Elle's G-single etc. are our item classes.
#include <gtest/gtest.h>

#include "checkers/elle/rw_register.h"
#include "elle_builder.h"
#include "elle_port.h"

namespace fl::checkers::elle {
namespace {

using namespace testing;
using history::OpType;
using V = Validity;

ElleView check(const Builder& b, const ElleOpts& o, RwAssumptions a = {}) {
  return elle_view(check_rw_register(b.h, a, orders_for(o)), o);
}
ElleOpts anomalies(std::vector<std::string> a) { return ElleOpts{{}, std::move(a)}; }
ElleOpts models(std::vector<std::string> m) { return ElleOpts{std::move(m), {}}; }
RwAssumptions sequential() { return RwAssumptions{true, false}; }
RwAssumptions linearizable() { return RwAssumptions{false, true}; }

TEST(EllePortRw, ReadsOfUnwrittenValues) {  // "Read doesn't return / Read read returns ..."
  Builder b;
  b.txn(0, {wr("x", 1)});
  b.txn(0, {rd("x", 2)});
  EXPECT_EQ(check(b, ElleOpts{}, linearizable()), view(V::kTrue))
      << show(check(b, ElleOpts{}, linearizable()));
  b.txn(0, {rd("x", 1)});
  const ElleView v = check(b, ElleOpts{}, linearizable());
  EXPECT_EQ(v, view(V::kFalse, {"cyclic-versions"}, {"read-uncommitted"})) << show(v);
}

TEST(EllePortRw, G0) {  // checker-test "G0"
  Builder b;
  b.invoke(0, {wr("x", 1), wr("y", 2)});
  b.invoke(1, {wr("x", 2), wr("y", 1)});
  EXPECT_EQ(check(b, anomalies({"G0"})), view(V::kUnknown, {"empty-transaction-graph"}, {}));
  Builder s;
  s.txn(0, {wr("x", 1), wr("y", 2)});
  s.txn(1, {wr("x", 2), wr("y", 1)});
  s.txn(0, {rd("x", 2)});
  s.txn(1, {rd("y", 2)});
  const ElleView v = check(s, anomalies({"G0"}), sequential());
  EXPECT_EQ(v, view(V::kFalse, {"G0"}, {"read-uncommitted"})) << show(v);
}

TEST(EllePortRw, G1a) {  // checker-test "G1a"
  Builder b;
  b.done(0, {rd("x", 1)});
  b.done(0, {wr("x", 1)}, OpType::kFail);
  EXPECT_EQ(check(b, anomalies({"G1"})),
            view(V::kFalse, {"G1a", "empty-transaction-graph"}, {"read-committed"}));
}

TEST(EllePortRw, G1b) {  // checker-test "G1b"
  Builder b;
  b.done(0, {wr("x", 1), wr("x", 2)});
  b.done(0, {rd("x", 1)});
  EXPECT_EQ(check(b, anomalies({"G0"})),
            view(V::kUnknown, {"empty-transaction-graph"}, {"read-committed"}));
  const ElleView g1b = view(V::kFalse, {"G1b", "empty-transaction-graph"}, {"read-committed"});
  EXPECT_EQ(check(b, anomalies({"G1"})), g1b) << show(check(b, anomalies({"G1"})));
  EXPECT_EQ(check(b, models({"repeatable-read"})), g1b);
}

TEST(EllePortRw, G1c) {  // checker-test "G1c"
  Builder b;
  b.done(0, {wr("x", 1), rd("y", 1)});
  b.done(0, {wr("y", 1), rd("x", 1)});
  EXPECT_EQ(check(b, anomalies({"G0"})), view(V::kTrue));
  EXPECT_EQ(check(b, models({"read-uncommitted"})), view(V::kTrue));
  const ElleView g1c = view(V::kFalse, {"G1c"}, {"read-committed"});
  EXPECT_EQ(check(b, anomalies({"G1"})), g1c);
  EXPECT_EQ(check(b, models({"read-committed"})), g1c);
  EXPECT_EQ(check(b, anomalies({"G2"})), view(V::kTrue));
  EXPECT_EQ(check(b, models({"serializable"})), g1c);
}

TEST(EllePortRw, Internal) {  // checker-test "internal"
  Builder b;
  b.done(0, {rd("x", 1), rd("x", 2)});
  EXPECT_EQ(check(b, anomalies({"internal"})),
            view(V::kFalse, {"empty-transaction-graph", "internal"}, {"read-atomic"}))
      << show(check(b, anomalies({"internal"})));
}

TEST(EllePortRw, InitialState) {  // checker-test "initial state"
  // Elle's test runs both on process 0, the second invoked before the first completes; here
  // the second is process 1 (serializable adds no process order, so nothing else changes).
  Builder b;
  b.invoke(0, {rd("x", nullptr), rd("y", nullptr)});
  b.invoke(1, {wr("y", 1), wr("x", 2)});
  b.complete(1, {wr("y", 1), wr("x", 2)});
  b.complete(0, {rd("x", nullptr), rd("y", 1)});
  const ElleView v = check(b, models({"serializable"}));
  EXPECT_EQ(v, view(V::kFalse, {"G-single-item"}, {"consistent-view", "repeatable-read"}))
      << show(v);
}

TEST(EllePortRw, WritesFollowReads) {  // checker-test "wfr" (the :wfr-keys? true half)
  Builder b;
  b.done(0, {rd("y", 1), wr("x", 1), wr("y", 2)});
  b.done(0, {rd("x", 1), rd("y", 1)});
  const ElleView v = check(b, models({"serializable"}));
  EXPECT_EQ(v, view(V::kFalse, {"G-single-item"}, {"consistent-view", "repeatable-read"}))
      << show(v);
}

TEST(EllePortRw, CyclicVersionOrder) {  // checker-test "cyclic version order"
  Builder b;
  b.txn(0, {wr("x", 1)});
  b.txn(0, {wr("x", 2)});
  b.txn(0, {rd("x", 1)});
  const ElleView v = check(b, ElleOpts{}, sequential());
  EXPECT_EQ(v, view(V::kFalse, {"cyclic-versions"}, {"read-uncommitted"})) << show(v);
}

TEST(EllePortRw, LostUpdate) {  // lost-update-test
  Builder b;
  b.txn(0, {rd("x", 0), wr("x", 1)});
  b.txn(1, {rd("x", 0), wr("x", 2)});
  // Known difference: our writes-follow-reads inference (Elle's :wfr-keys?, off by default
  // there) orders 0 before 1 and 2, so each transaction's read of 0 anti-depends on the other's
  // write: also a G2-item; and since T1 completed before T2 began yet T2 read 0, also a
  // G-single-item-realtime (as in the list-append port's LostUpdate). :not is Elle's.
  ElleView elle = view(V::kFalse, {"lost-update", "G2-item", "G-single-item-realtime"},
                       {"cursor-stability", "update-atomic"});
  EXPECT_EQ(check(b, ElleOpts{}), elle) << show(check(b, ElleOpts{}));
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(EllePortModels, AnomaliesProhibitedByReadCommitted) {  // anomalies-prohibited-by-test
  const std::set<std::string> want = {"dirty-update",
                                      "G1a",
                                      "G1b",
                                      "G1c",
                                      "G1",
                                      "G0",
                                      "PL-1-cycle-exists",
                                      "PL-2-cycle-exists",
                                      "cyclic-versions",
                                      "duplicate-elements",
                                      "incompatible-order",
                                      "future-read"};
  EXPECT_EQ(prohibited_anomalies({"read-committed"}), want);
}

TEST(EllePortModels, ImpossibleModels) {  // anomaly->impossible-models-test
  // Elle's strong-serializable is strict-serializable here (both PL-SS in Elle's table).
  const auto impossible = [](const char* a) { return impossible_models({a}, true); };
  EXPECT_EQ(impossible("G-single"),
            sorted({"consistent-view", "forward-consistent-view", "strict-serializable",
                    "serializable", "snapshot-isolation", "strong-session-serializable",
                    "strong-session-snapshot-isolation", "strong-snapshot-isolation",
                    "update-serializable"}));
  EXPECT_EQ(impossible("G-SI"),
            sorted({"snapshot-isolation", "serializable", "strict-serializable",
                    "strong-session-serializable", "strong-session-snapshot-isolation",
                    "strong-snapshot-isolation"}));
  EXPECT_EQ(impossible("dirty-update"), sorted({"read-committed",
                                                "monotonic-atomic-view",
                                                "snapshot-isolation",
                                                "repeatable-read",
                                                "update-atomic",
                                                "serializable",
                                                "strict-serializable",
                                                "update-serializable",
                                                "cursor-stability",
                                                "forward-consistent-view",
                                                "consistent-view",
                                                "monotonic-view",
                                                "monotonic-snapshot-read",
                                                "causal-cerone",
                                                "parallel-snapshot-isolation",
                                                "prefix",
                                                "read-atomic",
                                                "strong-session-read-committed",
                                                "strong-session-serializable",
                                                "strong-session-snapshot-isolation",
                                                "strong-read-committed",
                                                "strong-snapshot-isolation"}));
  EXPECT_EQ(impossible("internal"),
            sorted({"causal-cerone", "parallel-snapshot-isolation", "prefix", "read-atomic",
                    "update-atomic", "serializable", "snapshot-isolation", "strict-serializable",
                    "strong-session-serializable", "strong-session-snapshot-isolation",
                    "strong-snapshot-isolation"}));
}

void expect_boundary(const std::set<std::string>& anomalies, std::vector<std::string> not_models,
                     std::vector<std::string> also_not) {
  const Boundary b = boundary(impossible_models(anomalies, true));
  EXPECT_EQ(b.not_models, sorted(not_models));
  if (!also_not.empty()) EXPECT_EQ(b.also_not_models, sorted(also_not));
}

TEST(EllePortModels, FriendlyBoundary) {  // friendly-boundary-test
  expect_boundary({}, {}, {});
  expect_boundary({"cyclic-versions"}, {"read-uncommitted"},
                  {"read-committed",
                   "snapshot-isolation",
                   "causal-cerone",
                   "consistent-view",
                   "cursor-stability",
                   "forward-consistent-view",
                   "monotonic-atomic-view",
                   "monotonic-snapshot-read",
                   "monotonic-view",
                   "parallel-snapshot-isolation",
                   "prefix",
                   "read-atomic",
                   "repeatable-read",
                   "update-atomic",
                   "serializable",
                   "strong-read-committed",
                   "strong-read-uncommitted",
                   "strict-serializable",
                   "strong-session-read-committed",
                   "strong-session-read-uncommitted",
                   "strong-session-serializable",
                   "strong-session-snapshot-isolation",
                   "strong-snapshot-isolation",
                   "update-serializable"});
  expect_boundary(
      {"internal"}, {"read-atomic"},
      {"causal-cerone", "parallel-snapshot-isolation", "prefix", "update-atomic", "serializable",
       "snapshot-isolation", "strict-serializable", "strong-session-serializable",
       "strong-session-snapshot-isolation", "strong-snapshot-isolation"});
  expect_boundary({"G1a"}, {"read-committed"},
                  {"read-atomic",
                   "update-atomic",
                   "causal-cerone",
                   "consistent-view",
                   "cursor-stability",
                   "forward-consistent-view",
                   "monotonic-atomic-view",
                   "monotonic-snapshot-read",
                   "monotonic-view",
                   "parallel-snapshot-isolation",
                   "prefix",
                   "repeatable-read",
                   "serializable",
                   "snapshot-isolation",
                   "strong-read-committed",
                   "strong-snapshot-isolation",
                   "strict-serializable",
                   "strong-session-read-committed",
                   "strong-session-serializable",
                   "strong-session-snapshot-isolation",
                   "update-serializable"});
  expect_boundary(
      {"G-single"}, {"consistent-view"},
      {"snapshot-isolation", "serializable", "strict-serializable",
       "strong-session-snapshot-isolation", "strong-snapshot-isolation",
       "strong-session-serializable", "forward-consistent-view", "update-serializable"});
  expect_boundary(
      {"G2", "internal"}, {"read-atomic"},
      {"update-atomic", "causal-cerone", "parallel-snapshot-isolation", "prefix", "serializable",
       "snapshot-isolation", "strict-serializable", "strong-session-serializable",
       "strong-session-snapshot-isolation", "strong-snapshot-isolation"});
  expect_boundary({"lost-update"}, {"update-atomic", "cursor-stability"}, {});
  expect_boundary({"G-single-realtime"}, {"strong-snapshot-isolation"}, {"strict-serializable"});
}

TEST(EllePortModels, WeakestModels) {  // weakest-models-test (boundary's :not of a model set)
  const auto weakest = [](std::vector<std::string> ms) { return boundary(ms).not_models; };
  EXPECT_EQ(weakest({"serializable", "strict-serializable"}), sorted({"serializable"}));
  EXPECT_EQ(weakest({"repeatable-read", "read-committed", "sequential", "read-your-writes"}),
            sorted({"read-your-writes", "read-committed"}));
  EXPECT_EQ(weakest({"serializable", "read-atomic"}), sorted({"read-atomic"}));
}

}  // namespace
}  // namespace fl::checkers::elle
