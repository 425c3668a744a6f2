// What the Elle-style checkers (list-append, rw-register) share: transactions parsed from a
// history, anomaly reports that name history op indexes, the dependency graph search that finds
// and classifies cycles (data dependencies, then process order, then real-time order), and the
// consistency models each anomaly class rules out.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checkers/elle/graph.h"
#include "checkers/linearizability.h"
#include "history/history.h"

namespace fl::checkers::elle {

constexpr std::size_t kMaxReportedPerClass = 8;  // examples kept per anomaly class (all counted)
constexpr std::size_t kMaxMopsPerTxn = 100'000;
constexpr std::size_t kNoPos = static_cast<std::size_t>(-1);

enum class MopKind { kAppend, kWrite, kRead };

// A micro-op. Its value points into the history (which outlives every analysis), so parsing
// copies no read lists.
struct Mop {
  MopKind kind = MopKind::kRead;
  std::string key;
  const nlohmann::json* v = nullptr;
  // The appended/written value; a read's observed value (null when unknown).
  const nlohmann::json& value() const { return *v; }
};

struct Txn {
  std::size_t id = 0;
  std::int64_t process = 0;
  history::OpType type = history::OpType::kInfo;  // kInfo until (unless) completed
  std::vector<Mop> mops;
  std::size_t invoke_pos = 0, complete_pos = kNoPos;   // positions in History::ops
  std::int64_t invoke_index = 0, complete_index = -1;  // Op::index of those ops
  std::vector<std::int64_t> op_indexes() const;
};

// Which order edges the cycle search adds to the data dependencies. Elle adds the real-time
// graph when the expected models prohibit a real-time cycle class (it subsumes process order),
// else the process graph when they prohibit a process class, else neither; with no expectation
// both are added.
enum class OrderEdges { kNone, kProcess, kRealtime, kBoth };

struct Anomaly {
  std::string type;
  std::string explanation;
  std::vector<std::int64_t> ops;  // history op indexes (invocations and completions)
  std::string cycle;              // "T1 -ww(x)-> T2 -rw(y)-> T1" for cycle anomalies
};

// Anomaly types that say the analysis could not decide (Elle's unknown-anomaly-types): a history
// with no dependency, process or real-time edge at all, and a cycle search cut short.
bool is_unknown_type(const std::string& type);

struct ElleResult {
  // false if any anomaly was found; else unknown if only is_unknown_type ones (or an error);
  // else true.
  Validity valid = Validity::kTrue;
  std::vector<Anomaly> anomalies;             // at most kMaxReportedPerClass per type
  std::map<std::string, std::size_t> counts;  // type -> how many were found
  std::vector<std::string> not_models;        // every consistency model ruled out, sorted
  std::vector<std::string> weakest_not;       // Elle's :not: the weakest of those
  std::vector<std::string> also_not;          // Elle's :also-not: the others
  std::string error;                          // malformed history (then unknown)
  std::size_t edges_dropped = 0;              // inferences beyond a named limit (sound to drop)
  std::size_t transactions = 0;
  bool has(const std::string& type) const { return counts.count(type) != 0; }
  const Anomaly* first(const std::string& type) const;
  nlohmann::json to_json() const;
};

// Parses f:"txn" ops (nemesis ops ignored). A completion with no open invocation is a
// transaction invoked where it completed. `kinds` maps a micro-op name ("append", "w", "r")
// to its kind. An ok transaction's micro-ops are its completion's (reads filled in; its
// invocation's value must be a list, but its micro-ops are not read, as in Elle), any other's
// its invocation's. On a malformed history returns false with *error naming the line and what
// was expected.
bool collect_txns(const history::History& h, const std::map<std::string, MopKind>& kinds,
                  std::vector<Txn>* txns, std::string* error);

// Collects anomalies and renders transactions for explanations.
class Reporter {
 public:
  Reporter(const std::vector<Txn>& txns, ElleResult* result) : txns_(txns), result_(*result) {}
  void add(const std::string& type, const std::string& explanation,
           const std::vector<std::size_t>& txn_ids, std::string cycle = "");
  std::string txn_text(std::size_t id) const;
  const std::vector<Txn>& txns() const { return txns_; }

 private:
  const std::vector<Txn>& txns_;
  ElleResult& result_;
};

// Adds process-order and real-time-order edges to `g` (which holds the data dependencies), then
// finds and reports cycles of every class in cycle_search.h (G0, G1c, G-single, G-nonadjacent,
// G2-item and their "-process" and "-realtime" variants), "cycle-search-timeout" where a search
// ran out of budget, and "empty-transaction-graph" when the graph has no edge at all.
void find_cycles(Graph& g, Reporter& reporter, OrderEdges orders = OrderEdges::kBoth);

// One step of a real-time frontier (the transactions that completed and have no completed
// real-time successor yet): `id` completed, and `before` (the frontier when it was invoked) are
// now its predecessors, so they leave the frontier and `id` joins it, last.
void complete_in_frontier(std::vector<std::size_t>* frontier,
                          const std::vector<std::size_t>& before, std::size_t id);

// Sets the ruled-out models from the anomaly types found (consistency_model.h) and valid.
void finish(ElleResult* result);

}  // namespace fl::checkers::elle
