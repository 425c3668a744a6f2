// The kv model's state space for the linearizability search (internal to checkers/). A state is
// a string built by put and append; it is kept as a chain of pieces (the op values, which outlive
// the search), so a step costs O(1) instead of copying and hashing a growing string. The same op
// applied to the same state gives one state; a string reached by two different chains is two
// states, which only costs the search a cache hit, never a wrong verdict.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checkers/lin_tables.h"
#include "checkers/linearizability.h"

namespace fl::checkers {

class KvSpace : public StateSpace {
 public:
  KvSpace();
  std::uint32_t init() override { return kEmptyState; }
  // get|read -> out (or unknown), put|write a, append a; anything else is illegal.
  std::uint32_t step(std::uint32_t state, std::uint32_t op_id, const LinOp& op) override;
  std::string text(std::uint32_t state) const override;
  // Appends only extend the string: a get that reads `out` later, with no put in between, needs
  // `state` to be a prefix of `out` (memoised per state and get).
  bool prunes() const override { return true; }
  bool grows(const LinOp& op) const override { return op.f == "append"; }
  bool may_grow_into(std::uint32_t state, std::uint32_t observer_id,
                     const LinOp& observer) override;

 private:
  static constexpr std::uint32_t kEmptyState = 0;
  static constexpr std::size_t kMaxStates = std::size_t{1} << 31;
  struct Node {
    std::uint32_t parent;
    std::string_view piece;  // empty only for the empty state
    std::size_t size;        // of the whole string
  };
  std::uint32_t extend(std::uint32_t state, std::uint32_t op_id, std::string_view piece);
  bool equals(std::uint32_t state, std::string_view s) const;
  bool is_prefix(std::uint32_t state, std::string_view s) const;

  std::vector<Node> nodes_;
  lin::Transitions children_;  // (state, op id) -> the state after the op's put or append
  lin::Transitions prefix_;    // (state, get's op id) -> 1 if the state is a prefix of its read
};

}  // namespace fl::checkers
