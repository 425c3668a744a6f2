// Linearizability checking à la Wing & Gong with Lowe's improvements, as Porcupine does it:
// a depth-first search over the history's calls and returns in time order, linearizing calls
// whose model step is legal, backtracking at a return that cannot be passed, with a cache of
// (set of linearized ops, state) pairs so no configuration is explored twice. Histories split
// into independent keys (P-compositionality) and each key is checked alone.
//
// Operations whose outcome is unknown (Jepsen's :info) return "at the end of time": they may be
// linearized anywhere after their call, or never observed. A search budget (steps) turns an
// undecided search into `unknown`, never a hang. No recursion: the search keeps its own stack.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fl::checkers {

enum class Validity { kTrue, kFalse, kUnknown };
const char* to_string(Validity v);

// One operation of a history prepared for checking. Inputs and outputs are model-specific text.
struct LinOp {
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  std::int64_t call = 0;
  std::int64_t ret = 0;  // kNever when the outcome is unknown
  std::int64_t process = 0;
  std::string key;         // partition; "" for single-object models
  std::string f;           // read/write/cas (registers), get/put/append (kv), add/read (set), ...
  std::string a, b;        // inputs (write value; cas from, to; put/append value)
  bool unknown = false;    // the outcome is unknown: any result is acceptable
  bool ok = true;          // cas succeeded (false: the compare did not match)
  bool exists = true;      // read found a value
  std::string out;         // read/get result
  std::size_t source = 0;  // line or index in the source history, for reports
};

// A model's states as small numbers, for one search.
class StateSpace {
 public:
  static constexpr std::uint32_t kIllegal = std::numeric_limits<std::uint32_t>::max();
  virtual ~StateSpace() = default;
  virtual std::uint32_t init() = 0;
  // The state after `op` takes effect in `state`, or kIllegal when it cannot. `op_id` names the
  // op within the search (0 <= op_id < its number of ops), for memoising. Equal states should
  // get equal numbers (the search then never explores a configuration twice); unequal states
  // must never share one.
  virtual std::uint32_t step(std::uint32_t state, std::uint32_t op_id, const LinOp& op) = 0;
  virtual std::string text(std::uint32_t state) const = 0;  // for reports
  // Optional pruning, for models whose ops mostly only extend the state (kv's append). Asked
  // only when prunes() is true. grows(op): wherever op is legal, it only extends the state.
  // may_grow_into(state, observer_id, observer): false only if no sequence of growing ops leads
  // from `state` to a state in which the read-only `observer` is legal (true is always safe).
  virtual bool prunes() const { return false; }
  virtual bool grows(const LinOp& op) const {
    (void)op;
    return false;
  }
  virtual bool may_grow_into(std::uint32_t state, std::uint32_t observer_id,
                             const LinOp& observer) {
    (void)state, (void)observer_id, (void)observer;
    return true;
  }
};

// A sequential specification. States are strings (canonical JSON text or plain strings), so any
// state hashes and compares the same way; a model may give the search a faster state space.
class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  virtual std::string init() const = 0;
  // Whether `op` may take effect in `state`; if so, *next is the state after it. Depends only on
  // the op's f, a, b, ok, exists, out and unknown (ops equal in those are interchangeable).
  virtual bool step(const std::string& state, const LinOp& op, std::string* next) const = 0;
  // Whether `op` leaves every state in which it is legal unchanged (a read, a failed compare).
  // The search linearizes such an op as soon as it is legal and never tries the alternatives:
  // any linearization that places it later stays legal with it moved to the front (it is
  // pending, so every op that must precede it is already placed, and it changes nothing).
  // Returning false is always safe; returning true for an op that can change a state is wrong.
  virtual bool read_only(const LinOp& op) const;
  virtual std::string describe(const LinOp& op) const;
  // A fresh state space for one search over ops that outlive it. The default interns the
  // string states of init() and step().
  virtual std::unique_ptr<StateSpace> space() const;
};

struct LinResult {
  Validity valid = Validity::kTrue;
  std::string error;  // ops the search cannot take (then unknown): one returning before its call
  std::string key;    // the failing (or undecided) key
  // For an invalid key: the ops of the longest prefix that could be linearized, the op that could
  // not be placed after them, and the states that were possible just before it.
  std::vector<std::size_t> linearized;
  std::size_t stuck_op = 0;
  std::vector<std::string> states_before;
  std::uint64_t steps = 0;
  nlohmann::json to_json(const std::vector<LinOp>& ops, const Model& model) const;
};

struct LinOptions {
  std::uint64_t max_steps = 50'000'000;  // per key; beyond it the key is `unknown`
};

// Checks `ops` (any order) against `model`, partitioned by LinOp::key. REQUIRES of each op:
// ret >= call unless unknown; an op that breaks it makes the result unknown with `error` set.
LinResult check_linearizable(const std::vector<LinOp>& ops, const Model& model,
                             LinOptions options = {});

}  // namespace fl::checkers
