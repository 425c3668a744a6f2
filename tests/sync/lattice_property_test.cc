// Proves the lattice laws of every CRDT type with RapidCheck: for states reached by random
// executions over three replicas (random updates by each replica's actor, stamped by its own HLC
// at a few shared wall times so that ties happen, and random joins between replicas), the join
// is commutative, associative and idempotent, it is an upper bound of both sides, and every
// update inflates the state (its context grows and joining the old state back changes nothing).
// Also: the canonical encoding of a joined state parses back to the same state.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/sync/crdt_gen.h"

namespace fl::sync {
namespace {

struct Step {
  int kind = 0;  // 0..2 update at `at`, 3 join `other` into `at`
  int at = 0, other = 0, choice = 0, wall = 0;
};

rc::Gen<Step> step_gen() {
  return rc::gen::build<Step>(rc::gen::set(&Step::kind, rc::gen::inRange(0, 4)),
                              rc::gen::set(&Step::at, rc::gen::inRange(0, 3)),
                              rc::gen::set(&Step::other, rc::gen::inRange(0, 3)),
                              rc::gen::set(&Step::choice, rc::gen::inRange(0, 64)),
                              rc::gen::set(&Step::wall, rc::gen::inRange(0, 3)));
}

std::vector<test::Replica> run(CrdtType type, const std::vector<Step>& steps) {
  auto rs = test::replicas(type, 3);
  for (const Step& s : steps) {
    if (s.kind < 3) {
      test::update(&rs[static_cast<std::size_t>(s.at)], s.choice, 1000 + s.wall);
    } else {
      test::receive(&rs[static_cast<std::size_t>(s.at)],
                    rs[static_cast<std::size_t>(s.other)].state);
    }
  }
  return rs;
}

CrdtType type_gen() { return kCrdtTypes[static_cast<std::size_t>(*rc::gen::inRange(0, 6))]; }

RC_GTEST_PROP(Lattice, JoinIsCommutativeAssociativeIdempotent, ()) {
  const CrdtType type = type_gen();
  const auto steps = *rc::gen::container<std::vector<Step>>(step_gen());
  const auto rs = run(type, steps);
  const CrdtState &a = rs[0].state, &b = rs[1].state, &c = rs[2].state;
  RC_ASSERT(merge(a, b) == merge(b, a));
  RC_ASSERT(merge(merge(a, b), c) == merge(a, merge(b, c)));
  RC_ASSERT(merge(a, a) == a);
  RC_ASSERT(canonical(merge(a, b)) == canonical(merge(b, a)));
}

RC_GTEST_PROP(Lattice, JoinIsAnUpperBound, ()) {
  const CrdtType type = type_gen();
  const auto rs = run(type, *rc::gen::container<std::vector<Step>>(step_gen()));
  const CrdtState joined = merge(rs[0].state, rs[1].state);
  RC_ASSERT(joined.context.dominates(rs[0].state.context));
  RC_ASSERT(joined.context.dominates(rs[1].state.context));
  RC_ASSERT(merge(joined, rs[0].state) == joined);
  RC_ASSERT(merge(rs[1].state, joined) == joined);
}

RC_GTEST_PROP(Lattice, UpdatesInflate, ()) {
  const CrdtType type = type_gen();
  auto rs = run(type, *rc::gen::container<std::vector<Step>>(step_gen()));
  const CrdtState before = rs[0].state;
  test::update(&rs[0], *rc::gen::inRange(0, 64), 1000);
  const CrdtState& after = rs[0].state;
  RC_ASSERT(after.context.dominates(before.context));
  RC_ASSERT(!before.context.dominates(after.context));
  RC_ASSERT(merge(after, before) == after);
  RC_ASSERT(merge(before, after) == after);
}

RC_GTEST_PROP(Lattice, CanonicalEncodingRoundTrips, ()) {
  const CrdtType type = type_gen();
  const auto rs = run(type, *rc::gen::container<std::vector<Step>>(step_gen()));
  const CrdtState joined = merge(merge(rs[0].state, rs[1].state), rs[2].state);
  std::string error;
  const auto back = state_from_json(Json::parse(canonical(joined)), &error);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == joined);
  RC_ASSERT(canonical(*back) == canonical(joined));
}

}  // namespace
}  // namespace fl::sync
