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

// A sequential specification. States are strings (canonical JSON text or plain strings), so any
// state hashes and compares the same way.
class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  virtual std::string init() const = 0;
  // Whether `op` may take effect in `state`; if so, *next is the state after it.
  virtual bool step(const std::string& state, const LinOp& op, std::string* next) const = 0;
  virtual std::string describe(const LinOp& op) const;
};

struct LinResult {
  Validity valid = Validity::kTrue;
  std::string key;  // the failing (or undecided) key
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

// Checks `ops` (any order) against `model`, partitioned by LinOp::key.
LinResult check_linearizable(const std::vector<LinOp>& ops, const Model& model,
                             LinOptions options = {});

}  // namespace fl::checkers
