// Test support for the CRDT property and exhaustive tests: replicas of one CRDT type that apply
// operations (as their own actors, stamped by their own HLC) and join each other's states, so
// that the states a test compares come from one consistent execution, as in the system (a dot
// means the same update everywhere).
#pragma once

#include <string>
#include <vector>

#include "system/sync/crdt.h"
#include "system/sync/crdt_ops.h"

namespace fl::sync::test {

// The operation `choice` selects for `type`: sets of small values, increments and decrements,
// adds and removes of three elements, map sets and removes of two keys.
inline Json op_for(CrdtType type, int choice) {
  const int c = choice < 0 ? -choice : choice;
  const std::string e = "e" + std::to_string(c % 3);
  switch (type) {
    case CrdtType::kLwwRegister:
    case CrdtType::kMVRegister:
      return {{"type", "set"}, {"value", c % 5}};
    case CrdtType::kGCounter:
      return {{"type", "increment"}, {"value", c % 3 + 1}};
    case CrdtType::kPNCounter:
      return {{"type", c % 2 == 0 ? "increment" : "decrement"}, {"value", c % 4 + 1}};
    case CrdtType::kORSet:
      return {{"type", c % 3 == 2 ? "remove" : "add"}, {"value", "e" + std::to_string(c / 3 % 2)}};
    case CrdtType::kLwwMap:
      if (c % 4 == 3) return {{"type", "remove"}, {"key", e}};
      return {{"type", "set"}, {"key", "k" + std::to_string(c % 2)}, {"value", c % 5}};
  }
  return Json();
}

struct Replica {
  std::string actor;
  CrdtState state;
  HlcClock clock;
};

// Applies op `choice` at `r` at wall time `wall_ms` (few distinct times: ties across replicas).
inline void update(Replica* r, int choice, std::int64_t wall_ms, const CrdtBugs& bugs = {}) {
  std::string error;
  const auto op = parse_op(r->state.type, op_for(r->state.type, choice), &error);
  if (!op) throw std::runtime_error(error);
  Applied applied;
  const std::string e = apply_op(&r->state, *op, r->actor, r->clock.tick(wall_ms), bugs, &applied);
  if (!e.empty()) throw std::runtime_error(e);
}

// Joins `from` into `into` (what a sync does), the receiving clock observing what it got.
inline void receive(Replica* into, const CrdtState& from, const CrdtBugs& bugs = {}) {
  into->state = merge(into->state, from, bugs);
  if (auto seen = max_hlc(into->state)) into->clock.observe(*seen);
}

inline std::vector<Replica> replicas(CrdtType type, int n) {
  std::vector<Replica> out;
  for (int i = 0; i < n; ++i) out.push_back({"r" + std::to_string(i), empty_state(type), {}});
  return out;
}

}  // namespace fl::sync::test
