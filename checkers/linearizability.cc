#include "checkers/linearizability.h"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

namespace fl::checkers {
namespace {

struct Entry {
  bool is_call = true;
  std::size_t op = 0;      // index into the partition's ops
  Entry* match = nullptr;  // call <-> return
  Entry* prev = nullptr;
  Entry* next = nullptr;
};

std::uint64_t mix(std::uint64_t z) {  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The set of linearized ops as bit words, with a Zobrist hash (the XOR of a fixed random key
// per member) kept up to date in O(1) per change.
class Bits {
 public:
  explicit Bits(std::size_t n) : words_((n + 63) / 64, 0) {}
  void set(std::size_t i) {
    words_[i / 64] |= 1ULL << (i % 64);
    hash_ ^= mix(i + 1);
  }
  void clear(std::size_t i) {
    words_[i / 64] &= ~(1ULL << (i % 64));
    hash_ ^= mix(i + 1);
  }
  std::uint64_t hash() const { return hash_; }
  const std::vector<std::uint64_t>& words() const { return words_; }

 private:
  std::vector<std::uint64_t> words_;
  std::uint64_t hash_ = 0;
};

// The configurations (set of linearized ops, state) already explored, stored flat: an
// open-addressing table of (hash, entry) over one arena of bit words, so a search step allocates
// nothing and touches about one cache line. The table is kept at most half full, so every probe
// sequence ends at an empty slot.
class Visited {
 public:
  explicit Visited(std::size_t words) : words_(words), slots_(kInitialSlots) {}
  // Adds (bits, state); false if it was already there.
  bool insert(const Bits& bits, std::uint32_t state) {
    if ((states_.size() + 1) * 2 > slots_.size()) grow();
    const std::uint64_t h = mix(bits.hash() ^ mix(state + 0x9E3779B97F4A7C15ULL));
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.entry == kEmpty) {
        s = Slot{h, static_cast<std::uint32_t>(states_.size())};
        states_.push_back(state);
        arena_.insert(arena_.end(), bits.words().begin(), bits.words().end());
        return true;
      }
      if (s.hash == h && states_[s.entry] == state &&
          std::equal(bits.words().begin(), bits.words().end(),
                     arena_.begin() + static_cast<long>(s.entry * words_))) {
        return false;
      }
    }
  }

 private:
  static constexpr std::size_t kInitialSlots = 1 << 10;
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = kEmpty;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.entry == kEmpty) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].entry != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::size_t words_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> states_;  // per entry
  std::vector<std::uint64_t> arena_;   // per entry, words_ words
};

// Model states as small numbers (the search compares and hashes them at every step).
class StateIds {
 public:
  std::uint32_t id(const std::string& s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    it = ids_.emplace(s, static_cast<std::uint32_t>(texts_.size())).first;
    texts_.push_back(&it->first);  // node-based map: keys never move
    return it->second;
  }
  const std::string& text(std::uint32_t id) const { return *texts_[id]; }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<const std::string*> texts_;
};

void lift(Entry* call) {
  Entry* ret = call->match;
  call->prev->next = call->next;
  if (call->next) call->next->prev = call->prev;
  ret->prev->next = ret->next;
  if (ret->next) ret->next->prev = ret->prev;
}

void unlift(Entry* call) {
  Entry* ret = call->match;
  ret->prev->next = ret;
  if (ret->next) ret->next->prev = ret;
  call->prev->next = call;
  if (call->next) call->next->prev = call;
}

// Builds the time-ordered entry list (calls before returns at equal times: intervals are closed).
std::vector<Entry> build(const std::vector<LinOp>& ops, const std::vector<std::size_t>& idx) {
  struct Ev {
    std::int64_t t;
    bool is_return;
    std::size_t op;
  };
  std::vector<Ev> evs;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    evs.push_back({ops[idx[i]].call, false, i});
    evs.push_back({ops[idx[i]].unknown ? LinOp::kNever : ops[idx[i]].ret, true, i});
  }
  std::stable_sort(evs.begin(), evs.end(), [](const Ev& x, const Ev& y) {
    return x.t != y.t ? x.t < y.t : (!x.is_return && y.is_return);
  });
  std::vector<Entry> entries(evs.size() + 1);  // [0] is the sentinel head
  std::vector<Entry*> call_of(idx.size(), nullptr);
  for (std::size_t i = 0; i < evs.size(); ++i) {
    Entry& e = entries[i + 1];
    e.is_call = !evs[i].is_return;
    e.op = evs[i].op;
    e.prev = &entries[i];
    entries[i].next = &e;
    if (e.is_call) {
      call_of[e.op] = &e;
    } else {
      e.match = call_of[e.op];
      call_of[e.op]->match = &e;
    }
  }
  return entries;
}

struct KeyResult {
  Validity valid = Validity::kTrue;
  std::vector<std::size_t> best;  // longest linearized prefix (partition-local op indexes)
  std::size_t stuck = 0;
  std::vector<std::string> states;
  std::uint64_t steps = 0;
};

KeyResult check_key(const std::vector<LinOp>& ops, const std::vector<std::size_t>& idx,
                    const Model& model, const LinOptions& options) {
  KeyResult result;
  if (idx.empty()) return result;
  std::vector<Entry> entries = build(ops, idx);
  Entry* head = &entries[0];
  Bits bits(idx.size());
  Visited cache(bits.words().size());
  StateIds state_ids;
  struct Frame {
    Entry* call;
    std::uint32_t state;
  };
  std::vector<Frame> stack;
  std::uint32_t state = state_ids.id(model.init());
  std::string next;  // reused: the model writes each candidate state here
  std::size_t best_depth = 0;
  Entry* e = head->next;
  while (head->next != nullptr) {
    if (++result.steps > options.max_steps) {
      result.valid = Validity::kUnknown;
      return result;
    }
    if (e->is_call) {
      bool advanced = false;
      if (model.step(state_ids.text(state), ops[idx[e->op]], &next)) {
        bits.set(e->op);
        const std::uint32_t next_id = state_ids.id(next);
        if (cache.insert(bits, next_id)) {
          stack.push_back({e, state});
          state = next_id;
          lift(e);
          e = head->next;
          advanced = true;
          if (stack.size() > best_depth) {
            best_depth = stack.size();
            result.best.clear();
            for (const Frame& f : stack) result.best.push_back(f.call->op);
          }
        } else {
          bits.clear(e->op);
        }
      }
      if (!advanced) e = e->next;
      continue;
    }
    // A return whose call is not linearized yet: backtrack.
    if (stack.empty()) {
      result.valid = Validity::kFalse;
      result.stuck = e->op;
      return result;
    }
    if (stack.size() == best_depth && result.states.size() < 16)
      result.states.push_back(state_ids.text(state));
    const Frame top = stack.back();
    stack.pop_back();
    state = top.state;
    bits.clear(top.call->op);
    unlift(top.call);
    e = top.call->next;
  }
  return result;
}

}  // namespace

const char* to_string(Validity v) {
  switch (v) {
    case Validity::kTrue:
      return "true";
    case Validity::kFalse:
      return "false";
    case Validity::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string Model::describe(const LinOp& op) const {
  std::string s = op.f + "(" + op.a + (op.b.empty() ? "" : ", " + op.b) + ")";
  if (op.unknown) return s + " -> ?";
  if (op.f == "cas") return s + (op.ok ? " -> ok" : " -> fail");
  if (op.f == "read" || op.f == "get") return s + " -> " + (op.exists ? op.out : "nil");
  return s;
}

LinResult check_linearizable(const std::vector<LinOp>& ops, const Model& model,
                             LinOptions options) {
  std::map<std::string, std::vector<std::size_t>> by_key;  // ordered: reports are stable
  for (std::size_t i = 0; i < ops.size(); ++i) by_key[ops[i].key].push_back(i);
  // Keys are searched round-robin under a doubling step budget, so the key that fails most
  // cheaply is found first (a failing history needs only one failing key), and no key's long
  // search starves the others. The re-searches cost at most about twice the final budget.
  std::vector<const std::pair<const std::string, std::vector<std::size_t>>*> undecided;
  for (const auto& kv : by_key) undecided.push_back(&kv);
  LinResult out;
  constexpr std::uint64_t kFirstBudget = 1000;
  // One key: nothing to interleave with, so no re-searches.
  for (std::uint64_t budget = undecided.size() == 1 ? options.max_steps : kFirstBudget;
       !undecided.empty(); budget *= 4) {
    const bool last_round = budget >= options.max_steps;
    LinOptions round{std::min(budget, options.max_steps)};
    std::vector<const std::pair<const std::string, std::vector<std::size_t>>*> still;
    for (const auto* kv : undecided) {
      KeyResult r = check_key(ops, kv->second, model, round);
      out.steps += r.steps;
      if (r.valid == Validity::kTrue) continue;
      if (r.valid == Validity::kFalse) {
        out.valid = Validity::kFalse;
        out.key = kv->first;
        for (std::size_t local : r.best) out.linearized.push_back(kv->second[local]);
        out.stuck_op = kv->second[r.stuck];
        out.states_before = r.states;
        return out;  // false beats everything
      }
      still.push_back(kv);
    }
    undecided.swap(still);
    if (last_round && !undecided.empty()) {
      out.valid = Validity::kUnknown;
      out.key = undecided.front()->first;
      return out;
    }
  }
  return out;
}

nlohmann::json LinResult::to_json(const std::vector<LinOp>& ops, const Model& model) const {
  nlohmann::json j = {
      {"valid", valid == Validity::kUnknown ? nlohmann::json("unknown")
                                            : nlohmann::json(valid == Validity::kTrue)},
      {"model", model.name()},
      {"steps", steps}};
  if (valid == Validity::kTrue) return j;
  j["key"] = key;
  if (valid == Validity::kUnknown) {
    j["reason"] = "search budget exhausted";
    return j;
  }
  nlohmann::json lin = nlohmann::json::array();
  for (std::size_t i : linearized) {
    lin.push_back(
        {{"op", model.describe(ops[i])}, {"process", ops[i].process}, {"source", ops[i].source}});
  }
  j["linearized_prefix"] = lin;
  const LinOp& s = ops[stuck_op];
  j["cannot_linearize"] = {{"op", model.describe(s)}, {"process", s.process}, {"source", s.source}};
  j["states_before"] = states_before;
  return j;
}

}  // namespace fl::checkers
