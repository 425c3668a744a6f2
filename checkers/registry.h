// The checker registry: every checker by name, one calling convention, composable verdicts.
// The harness (scenarios/) and `faultline check` call checkers only through this.
//
// Names and options (a JSON object; unknown keys are an error):
//   "linearizable"       {"model": register|cas-register|kv|set|mutex|multi-register (default:
//                         guessed from the ops; f "txn" -> multi-register), "failed-cas":
//                         evidence|never-happened (default: never-happened, Knossos' meaning, for
//                         a history read from EDN; evidence, Porcupine's, otherwise; the result
//                         says which in "failed-cas" and why in "failed-cas-from"), "max-steps": N,
//                         "initial": {register: value} (multi-register's starting values)}
//   "elle-list-append",  {"expected": a transactional model of Elle's table (read-committed,
//   "elle-rw-register"    repeatable-read, snapshot-isolation, serializable, strict-serializable,
//                         the strong-session and strong variants, ...; default
//                         strict-serializable)}: invalid iff an anomaly found rules out the
//                         expected model; unknown if the analysis could not decide
//                         (empty-transaction-graph, cycle-search-timeout) and nothing rules it
//                         out. Every anomaly found is listed; "not" and "also-not" name the
//                         models ruled out as Elle does (docs/checkers.md). "elle-rw-register"
//                         also takes "sequential-keys" and "linearizable-keys" (bool, default
//                         false): Elle's version-order assumptions (process / real-time order).
//   "bank"               {"total": N, "negative-allowed": bool}
//   "set"                {}
//   "counter"            {}
// Every result is {"valid": true|false|"unknown", "checker": name, "anomalies": [{"type",
// "explanation", "ops": [history op indexes]}], ...}. Nemesis ops are ignored by every checker.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checkers/linearizability.h"
#include "history/history.h"

namespace fl::checkers {

// Result of one named checker: valid, and JSON with at least {"valid": true|false|"unknown",
// "anomalies": [{"type": "...", "explanation": "...", "ops": [history op indexes]}], ...}.
struct CheckOutcome {
  Validity valid = Validity::kUnknown;
  nlohmann::json result;
};

// Runs checker `name` with `options` (a JSON object; unknown keys are an error) on `h`.
// Unknown name or bad options: kUnknown with result["error"]. A checker that throws: kUnknown
// with the error. Never throws.
CheckOutcome run_checker(const std::string& name, const nlohmann::json& options,
                         const history::History& h);
std::vector<std::string> checker_names();
// false beats unknown beats true.
Validity compose(const std::vector<Validity>& parts);

// The JSON spelling of a validity: true, false or "unknown".
nlohmann::json validity_json(Validity v);

}  // namespace fl::checkers
