#include "checkers/linearizability.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "checkers/lin_tables.h"

namespace fl::checkers {
namespace {

struct Entry {
  bool is_call = true;
  std::size_t op = 0;      // index into the partition's ops
  Entry* match = nullptr;  // call <-> return
  Entry* prev = nullptr;
  Entry* next = nullptr;
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
  Validity valid = Validity::kUnknown;  // kUnknown while undecided
  std::vector<std::size_t> best;        // longest linearized prefix (partition-local op indexes)
  std::size_t stuck = 0;
  std::vector<std::string> states;
  std::uint64_t steps = 0;
};

// The search over one key's ops, resumable: run() goes on where the last call stopped, so keys
// searched in turns under a growing budget never repeat work.
class KeySearch {
 public:
  KeySearch(const std::vector<LinOp>& ops, const std::vector<std::size_t>& idx, const Model& model)
      : ops_(ops),
        idx_(idx),
        entries_(build(ops, idx)),
        head_(&entries_[0]),
        bits_(idx.size()),
        cache_(bits_.words().size()),
        space_(model.space()),
        read_only_(idx.size()) {
    for (std::size_t i = 0; i < idx.size(); ++i) read_only_[i] = model.read_only(ops[idx[i]]);
    find_twins();
    if (space_->prunes()) find_resets();
    state_ = space_->init();
    e_ = head_->next;
    if (e_ == nullptr) result_.valid = Validity::kTrue;
  }
  // Searches until decided or `budget` more steps are spent. Returns the result so far.
  const KeyResult& run(std::uint64_t budget);
  std::uint64_t steps() const { return result_.steps; }

 private:
  static constexpr std::uint32_t kNoTwin = std::numeric_limits<std::uint32_t>::max();
  struct Frame {
    Entry* call;
    std::uint32_t state;
    bool forced;  // a read-only op: if the search fails after it, it fails before it too
  };
  void find_twins();
  void find_resets();
  bool viable(std::uint32_t op, std::uint32_t next);
  void try_call();
  void backtrack();

  const std::vector<LinOp>& ops_;
  const std::vector<std::size_t>& idx_;
  std::vector<Entry> entries_;
  Entry* head_;
  lin::Bits bits_;
  lin::Visited cache_;
  std::unique_ptr<StateSpace> space_;
  std::vector<char> read_only_;
  std::vector<std::uint32_t> twin_;  // the previous identical unknown op, or kNoTwin
  // For a read-only op of known outcome whose window overlaps few non-growing ops: those ops
  // (the only ones that can undo growth before it). Empty optional: never pruned on.
  std::vector<std::optional<std::vector<std::uint32_t>>> resets_;
  std::vector<Frame> stack_;
  std::uint32_t state_ = 0;
  Entry* e_ = nullptr;
  std::size_t best_depth_ = 0;
  static constexpr std::size_t kNoBlame = std::numeric_limits<std::size_t>::max();
  std::size_t blamed_ = kNoBlame;  // the op blocking the deepest configuration, once found
  KeyResult result_;
};

const KeyResult& KeySearch::run(std::uint64_t budget) {
  for (std::uint64_t spent = 0; result_.valid == Validity::kUnknown && spent < budget; ++spent) {
    ++result_.steps;
    if (e_->is_call) {
      try_call();
    } else {
      backtrack();  // a return whose call is not linearized yet
    }
    if (head_->next == nullptr) result_.valid = Validity::kTrue;
  }
  return result_;
}

// Symmetry: two ops of unknown outcome with the same inputs, both called and pending, are
// interchangeable (their returns are both at the end of time, and a model step sees only the
// inputs), so configurations that linearize one or the other stand or fall together. The search
// linearizes such twins in call order only: an unknown op waits while its earlier twin is
// pending (the twin was called earlier, so it is pending exactly when it is not linearized).
void KeySearch::find_twins() {
  twin_.assign(idx_.size(), kNoTwin);
  using Inputs = std::tuple<std::string_view, std::string_view, std::string_view, std::string_view,
                            bool, bool>;
  std::map<Inputs, std::uint32_t> last;
  for (const Entry& en : entries_) {  // in list order, so calls come in call order
    if (!en.is_call || en.match == nullptr) continue;
    const LinOp& o = ops_[idx_[en.op]];
    if (!o.unknown) continue;
    const auto [it, added] = last.try_emplace(Inputs{o.f, o.a, o.b, o.out, o.ok, o.exists},
                                              static_cast<std::uint32_t>(en.op));
    if (!added) {
      twin_[en.op] = it->second;
      it->second = static_cast<std::uint32_t>(en.op);
    }
  }
}

// Pruning needs, for each read-only op g of known outcome, the non-growing ops that can still be
// unlinearized when g is checked: g is checked only while it is called and no return has passed
// in the list, so such ops overlap g (call <= g.ret and ret >= g.call). Ops are scanned by call
// time with a running maximum of returns, so the scan stops where nothing earlier overlaps; a
// window too crowded (or scanned too long) leaves g unpruned.
void KeySearch::find_resets() {
  constexpr std::size_t kMaxResets = 16, kMaxScan = 256;
  resets_.assign(idx_.size(), std::nullopt);
  std::vector<std::uint32_t> by_call;  // non-growing, non-read-only ops by call time
  for (std::size_t i = 0; i < idx_.size(); ++i) {
    if (!read_only_[i] && !space_->grows(ops_[idx_[i]])) by_call.push_back(i);
  }
  const auto call_of = [&](std::uint32_t i) { return ops_[idx_[i]].call; };
  const auto ret_of = [&](std::uint32_t i) {
    return ops_[idx_[i]].unknown ? LinOp::kNever : ops_[idx_[i]].ret;
  };
  std::stable_sort(by_call.begin(), by_call.end(),
                   [&](std::uint32_t x, std::uint32_t y) { return call_of(x) < call_of(y); });
  std::vector<std::int64_t> max_ret(by_call.size());
  for (std::size_t j = 0; j < by_call.size(); ++j) {
    max_ret[j] = std::max(j ? max_ret[j - 1] : std::int64_t{0}, ret_of(by_call[j]));
  }
  for (std::size_t g = 0; g < idx_.size(); ++g) {
    const LinOp& o = ops_[idx_[g]];
    if (!read_only_[g] || o.unknown) continue;
    const auto end =
        std::upper_bound(by_call.begin(), by_call.end(), o.ret,
                         [&](std::int64_t t, std::uint32_t i) { return t < call_of(i); });
    std::vector<std::uint32_t> found;
    std::size_t scanned = 0;
    bool ok = true;
    for (auto j = static_cast<std::size_t>(end - by_call.begin());
         j-- > 0 && max_ret[j] >= o.call;) {
      if (++scanned > kMaxScan) ok = false;
      if (ret_of(by_call[j]) >= o.call) found.push_back(by_call[j]);
      if (!ok || found.size() > kMaxResets) {
        ok = false;
        break;
      }
    }
    if (ok) resets_[g] = std::move(found);
  }
}

// Whether linearizing `op` (not read-only), leading to `next`, can still succeed as far as the
// model can tell: every called, unlinearized read-only op whose window no reset op can still
// enter must be able to see what it saw by growth alone.
bool KeySearch::viable(std::uint32_t op, std::uint32_t next) {
  for (const Entry* x = head_->next; x != nullptr && x->is_call; x = x->next) {
    const auto g = static_cast<std::uint32_t>(x->op);
    if (g == op || !resets_[g]) continue;
    bool reset_pending = false;
    for (std::uint32_t r : *resets_[g]) reset_pending |= r != op && !bits_.test(r);
    if (!reset_pending && !space_->may_grow_into(next, g, ops_[idx_[g]])) return false;
  }
  return true;
}

// Linearizes the call at e_ if its step is legal and the configuration it leads to is new, and
// starts again from the first entry; otherwise moves on to the next entry.
void KeySearch::try_call() {
  const auto op = static_cast<std::uint32_t>(e_->op);
  if (twin_[op] != kNoTwin && !bits_.test(twin_[op])) {
    e_ = e_->next;
    return;
  }
  const std::uint32_t next = space_->step(state_, op, ops_[idx_[op]]);
  if (next != StateSpace::kIllegal && (resets_.empty() || read_only_[op] || viable(op, next))) {
    bits_.set(op);
    if (cache_.insert(bits_, next)) {
      stack_.push_back({e_, state_, read_only_[op] != 0});
      state_ = next;
      lift(e_);
      e_ = head_->next;
      if (stack_.size() > best_depth_) {
        best_depth_ = stack_.size();
        blamed_ = kNoBlame;  // a longer prefix: its own blocking op is still to be found
        result_.best.clear();
        for (const Frame& f : stack_) result_.best.push_back(f.call->op);
      }
      return;
    }
    bits_.clear(op);
  }
  e_ = e_->next;
}

// Undoes the last linearization (and every forced one below it: the configuration before a
// forced op fails when the one after it does) and tries the next call after it.
//
// Blame: the first return reached at the deepest configuration belongs to an op that could not be
// linearized after the longest legal prefix (its call is not linearized, or its return would have
// been lifted); that op, not the return where the empty stack ends the search (often the first
// op of the history), is the one reported, as Knossos reports it.
void KeySearch::backtrack() {
  if (stack_.size() == best_depth_ && blamed_ == kNoBlame) {
    // A broken invariant is a programmer error; the registry turns the throw into unknown.
    if (e_->is_call || bits_.test(static_cast<std::uint32_t>(e_->op))) {
      throw std::logic_error("linearizability: blamed a call or a linearized op");
    }
    blamed_ = e_->op;
  }
  if (stack_.empty()) {
    result_.valid = Validity::kFalse;
    result_.stuck = blamed_ != kNoBlame ? blamed_ : e_->op;
    return;
  }
  if (stack_.size() == best_depth_ && result_.states.size() < 16)
    result_.states.push_back(space_->text(state_));
  Frame top = stack_.back();
  for (;;) {
    stack_.pop_back();
    state_ = top.state;
    bits_.clear(top.call->op);
    unlift(top.call);
    if (!top.forced || stack_.empty()) break;
    top = stack_.back();
  }
  e_ = top.call->next;
  // The bottom frame was forced, so the initial configuration fails: go on to the first return
  // (every call has one), where the empty stack ends the search as invalid.
  if (top.forced) {
    e_ = head_->next;
    while (e_->is_call) e_ = e_->next;
  }
}

// Model::space()'s default: the model's string states, interned, with every transition
// memoised (the search asks the same (state, op) question in many configurations, and a string
// step is costly).
class StringSpace : public StateSpace {
 public:
  explicit StringSpace(const Model& model) : model_(model) {}
  std::uint32_t init() override { return id(model_.init()); }
  std::uint32_t step(std::uint32_t state, std::uint32_t op_id, const LinOp& op) override {
    std::uint32_t next = transitions_.find(state, op_id);
    if (next == lin::Transitions::kAbsent) {
      next = model_.step(*texts_[state], op, &next_) ? id(next_) : kIllegal;
      transitions_.put(state, op_id, next);
    }
    return next;
  }
  std::string text(std::uint32_t state) const override { return *texts_[state]; }

 private:
  std::uint32_t id(const std::string& s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    it = ids_.emplace(s, static_cast<std::uint32_t>(texts_.size())).first;
    texts_.push_back(&it->first);  // node-based map: keys never move
    return it->second;
  }
  const Model& model_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<const std::string*> texts_;
  std::string next_;  // reused: the model writes each candidate state here
  lin::Transitions transitions_;
};

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

bool Model::read_only(const LinOp&) const { return false; }

std::unique_ptr<StateSpace> Model::space() const { return std::make_unique<StringSpace>(*this); }

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
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (!ops[i].unknown && ops[i].ret < ops[i].call) {
      LinResult bad;
      bad.valid = Validity::kUnknown;
      bad.key = ops[i].key;
      bad.error = "op " + std::to_string(i) + " (source " + std::to_string(ops[i].source) +
                  ") returns before it is called";
      return bad;
    }
    by_key[ops[i].key].push_back(i);
  }
  // Keys are searched in turns under a growing step budget, so the key that fails most cheaply
  // is found first (a failing history needs only one failing key) and no key's long search
  // starves the others. Searches are resumed, not restarted, so turns cost nothing extra.
  struct Key {
    const std::string* name;
    const std::vector<std::size_t>* idx;
    std::unique_ptr<KeySearch> search;
  };
  std::vector<Key> undecided;
  for (const auto& [name, idx] : by_key) undecided.push_back({&name, &idx, nullptr});
  LinResult out;
  const std::string* exhausted = nullptr;  // the first key whose search hit max_steps
  constexpr std::uint64_t kFirstBudget = 1000;
  for (std::uint64_t budget = kFirstBudget; !undecided.empty();
       budget = budget > options.max_steps / 4 ? options.max_steps : budget * 4) {
    std::vector<Key> still;
    for (Key& k : undecided) {
      if (!k.search) k.search = std::make_unique<KeySearch>(ops, *k.idx, model);
      const std::uint64_t before = k.search->steps();
      const std::uint64_t allowed = options.max_steps - std::min(before, options.max_steps);
      const KeyResult& r = k.search->run(std::min(budget, allowed));
      out.steps += r.steps - before;
      if (r.valid == Validity::kTrue) continue;
      if (r.valid == Validity::kFalse) {
        out.valid = Validity::kFalse;
        out.key = *k.name;
        for (std::size_t local : r.best) out.linearized.push_back((*k.idx)[local]);
        out.stuck_op = (*k.idx)[r.stuck];
        out.states_before = r.states;
        return out;  // false beats everything
      }
      if (r.steps >= options.max_steps) {
        if (exhausted == nullptr) exhausted = k.name;  // unknown, unless another key fails
        continue;
      }
      still.push_back(std::move(k));
    }
    undecided.swap(still);
  }
  if (exhausted != nullptr) {
    out.valid = Validity::kUnknown;
    out.key = *exhausted;
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
    j["reason"] = error.empty() ? "search budget exhausted" : error;
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
