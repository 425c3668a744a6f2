// Proves convergence exhaustively in a small scope: for every CRDT type and three scripts of six
// updates made at three replicas (all concurrent; a causal chain through the replicas; a mix),
// a replica that receives the six updates' states in EVERY order, with and without any one of
// them delivered twice, ends in the same state (canonical bytes) as every other order, and each
// delivery inflates what it had (never a step down the lattice). The wall times of the updates
// are shared across replicas, so LWW ties occur and the node id must break them. With the known
// bug "lww-no-tiebreak" the same search finds orders that end in different states (the check can
// fail).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "tests/sync/crdt_gen.h"

namespace fl::sync {
namespace {

constexpr int kOps = 6;
constexpr int kReplicas = 3;

struct ScriptOp {
  int origin;             // the replica that makes it
  int choice;             // which operation (crdt_gen.h)
  std::vector<int> deps;  // earlier updates whose states the origin joins first
};

const std::vector<std::vector<ScriptOp>>& scripts() {
  static const std::vector<std::vector<ScriptOp>> s = {
      // all concurrent across replicas (each replica's own updates in order)
      {{0, 0, {}}, {1, 1, {}}, {2, 2, {}}, {0, 3, {}}, {1, 5, {}}, {2, 7, {}}},
      // a causal chain through the replicas
      {{0, 0, {}}, {1, 2, {0}}, {2, 5, {1}}, {0, 4, {2}}, {1, 3, {3}}, {2, 8, {4}}},
      // a mix: removes and writes that saw some of the concurrent updates
      {{0, 0, {}}, {1, 3, {}}, {2, 2, {0}}, {0, 5, {1}}, {1, 11, {0, 2}}, {2, 6, {}}},
  };
  return s;
}

// The state each update's origin ships right after making it.
std::vector<CrdtState> messages(CrdtType type, const std::vector<ScriptOp>& script,
                                const CrdtBugs& bugs) {
  auto rs = test::replicas(type, kReplicas);
  std::vector<CrdtState> out;
  for (const ScriptOp& op : script) {
    test::Replica& r = rs[static_cast<std::size_t>(op.origin)];
    for (int d : op.deps) test::receive(&r, out[static_cast<std::size_t>(d)], bugs);
    test::update(&r, op.choice, 1000 + op.choice % 2, bugs);  // two wall times: ties
    out.push_back(r.state);
  }
  return out;
}

struct Search {
  std::size_t orders = 0;
  std::set<std::string> finals;  // canonical final states
  bool inflated = true;
};

void deliver(const std::vector<CrdtState>& msgs, const std::vector<int>& order, CrdtType type,
             const CrdtBugs& bugs, Search* s) {
  CrdtState state = empty_state(type);
  for (int i : order) {
    CrdtState next = merge(state, msgs[static_cast<std::size_t>(i)], bugs);
    s->inflated = s->inflated && next.context.dominates(state.context) &&
                  (bugs.lww_no_tiebreak || merge(next, state) == next);
    state = std::move(next);
  }
  ++s->orders;
  s->finals.insert(canonical(state));
}

// Every order of the six messages, then every order of the seven with one of them twice.
Search search(CrdtType type, const std::vector<ScriptOp>& script, const CrdtBugs& bugs = {}) {
  const std::vector<CrdtState> msgs = messages(type, script, bugs);
  Search s;
  std::vector<int> order(kOps);
  std::iota(order.begin(), order.end(), 0);
  do deliver(msgs, order, type, bugs, &s);
  while (std::next_permutation(order.begin(), order.end()));
  for (int dup = 0; dup < kOps; ++dup) {
    std::vector<int> with(kOps);
    std::iota(with.begin(), with.end(), 0);
    with.push_back(dup);
    std::sort(with.begin(), with.end());
    do deliver(msgs, with, type, bugs, &s);
    while (std::next_permutation(with.begin(), with.end()));
  }
  return s;
}

TEST(Exhaustive, EveryDeliveryOrderWithDuplicatesConvergesForEveryType) {
  constexpr std::size_t kOrders = 720 + 6 * 2520;  // 6! + 6 x 7!/2
  for (CrdtType type : kCrdtTypes) {
    for (std::size_t i = 0; i < scripts().size(); ++i) {
      const Search s = search(type, scripts()[i]);
      EXPECT_EQ(s.orders, kOrders);
      EXPECT_EQ(s.finals.size(), 1u) << type_name(type) << " script " << i;
      EXPECT_TRUE(s.inflated) << type_name(type) << " script " << i;
    }
  }
}

TEST(Exhaustive, TheSearchFindsTheNoTiebreakBug) {
  const CrdtBugs bug{true, false};
  std::size_t diverged = 0;
  for (CrdtType type : {CrdtType::kLwwRegister, CrdtType::kLwwMap}) {
    for (const auto& script : scripts()) diverged += search(type, script, bug).finals.size() > 1;
  }
  EXPECT_GT(diverged, 0u) << "equal HLCs must make some delivery orders diverge";
}

}  // namespace
}  // namespace fl::sync
