#include "checkers/kv_space.h"

#include <stdexcept>

namespace fl::checkers {

KvSpace::KvSpace() { nodes_.push_back(Node{kEmptyState, std::string_view(), 0}); }

std::uint32_t KvSpace::step(std::uint32_t state, std::uint32_t op_id, const LinOp& op) {
  if (op.f == "get" || op.f == "read") {
    return op.unknown || equals(state, op.out) ? state : kIllegal;
  }
  if (op.f == "put" || op.f == "write") return extend(kEmptyState, op_id, op.a);
  if (op.f == "append") return extend(state, op_id, op.a);
  return kIllegal;
}

std::uint32_t KvSpace::extend(std::uint32_t state, std::uint32_t op_id, std::string_view piece) {
  if (piece.empty()) return state;
  const std::uint32_t known = children_.find(state, op_id);
  if (known != lin::Transitions::kAbsent) return known;
  // A search bounded by its step budget never gets here; this is the last line of defence.
  if (nodes_.size() >= kMaxStates) throw std::length_error("kv search: too many states");
  const auto id = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(Node{state, piece, nodes_[state].size + piece.size()});
  children_.put(state, op_id, id);
  return id;
}

bool KvSpace::may_grow_into(std::uint32_t state, std::uint32_t observer_id, const LinOp& observer) {
  if (observer.unknown || (observer.f != "get" && observer.f != "read")) return true;
  std::uint32_t known = prefix_.find(state, observer_id);
  if (known == lin::Transitions::kAbsent) {
    known = is_prefix(state, observer.out) ? 1 : 0;
    prefix_.put(state, observer_id, known);
  }
  return known == 1;
}

bool KvSpace::equals(std::uint32_t state, std::string_view s) const {
  return nodes_[state].size == s.size() && is_prefix(state, s);
}

// Compares the chain from its last piece backwards, so strings that differ usually differ in
// the first piece compared.
bool KvSpace::is_prefix(std::uint32_t state, std::string_view s) const {
  if (nodes_[state].size > s.size()) return false;
  std::size_t end = nodes_[state].size;
  for (std::uint32_t n = state; n != kEmptyState; n = nodes_[n].parent) {
    const std::string_view piece = nodes_[n].piece;
    if (s.substr(end - piece.size(), piece.size()) != piece) return false;
    end -= piece.size();
  }
  return end == 0;
}

std::string KvSpace::text(std::uint32_t state) const {
  std::vector<std::string_view> pieces;
  for (std::uint32_t n = state; n != kEmptyState; n = nodes_[n].parent) {
    pieces.push_back(nodes_[n].piece);
  }
  std::string out;
  out.reserve(nodes_[state].size);
  for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) out += *it;
  return out;
}

}  // namespace fl::checkers
