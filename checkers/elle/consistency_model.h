// Elle's table of consistency models and anomalies (jepsen-io/elle, src/elle/consistency_model.clj
// at dda36d8306a4, the data only): which models imply which, which anomalies imply which, and
// which anomalies each model directly proscribes. From it:
//  - the models an anomaly rules out: those that proscribe it or any anomaly it implies, and
//    every model that implies one of those (Elle's anomalies->impossible-models);
//  - Elle's :not (the weakest of them: none implies another in the set) and :also-not (the rest);
//  - the anomalies a model prohibits (Elle's anomalies-prohibited-by): what makes a history
//    invalid for an expected model.
// Models are named as Elle's friendly names, except that Elle's PL-SS, which it prints as
// "strong-serializable" (a synonym), is "strict-serializable" here, as --expected spells it.
//
// Our cycle classes are item classes (every rw edge is on a key, none on a predicate), so
// "G-single", "G-nonadjacent" and their -process/-realtime variants are looked up as Elle's
// "G-single-item", "G-nonadjacent-item", ... (Elle >= 0.2 reports them by those names). Anomaly
// types Elle does not have: "garbage-read" (a read of a value no transaction wrote) is looked
// up as G1a; "empty-transaction-graph" and "cycle-search-timeout" rule out nothing (they make a
// verdict unknown).
#pragma once

#include <set>
#include <string>
#include <vector>

namespace fl::checkers::elle {

// Every model in the table, sorted.
std::vector<std::string> model_names();
bool known_model(const std::string& model);

// The name Elle's table knows `anomaly` by (see above).
std::string table_name(const std::string& anomaly);

// Models ruled out by finding all of `anomalies` (our type names; Elle's own names as they are
// when `elle_names`), sorted.
std::vector<std::string> impossible_models(const std::set<std::string>& anomalies,
                                           bool elle_names = false);

struct Boundary {
  std::vector<std::string> not_models;       // the weakest impossible models, sorted
  std::vector<std::string> also_not_models;  // the other impossible models, sorted
};
// REQUIRES: `impossible` closed upwards (as impossible_models returns it).
Boundary boundary(const std::vector<std::string>& impossible);

// Anomaly types (Elle's names) that a history must not show if every model in `models` holds.
// REQUIRES: known_model for each.
std::set<std::string> prohibited_anomalies(const std::vector<std::string>& models);

// Anomaly types (Elle's names) whose presence implies one of `anomalies` (Elle's
// all-anomalies-implying), `anomalies` included.
std::set<std::string> anomalies_implying(const std::vector<std::string>& anomalies);

// Whether finding `a` implies `b` is present too (our type names; a implies a).
bool implies(const std::string& a, const std::string& b);

// Whether finding `anomaly` (our type name) rules out `model`.
bool rules_out(const std::string& anomaly, const std::string& model);

}  // namespace fl::checkers::elle
