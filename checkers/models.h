// Sequential specifications for the linearizability checker.
//
//  register      read / write; state = JSON text of the value, initially null.
//  cas-register  read / write / cas(from, to). A failed cas means, with kEvidence (Porcupine's
//                meaning), "the compare did not match" and is checked as an observation; with
//                kNeverHappened (Knossos' meaning) failed operations are dropped before checking.
//  kv            per key: get / put / append; state = the string, initially "" (Porcupine's kv).
//  set           add(element) / read -> [elements]; state = canonical_set text, initially [].
//  mutex         acquire / release (no owners, as Knossos' mutex); state free or held.
//  multi-register  Knossos' model: f "txn" with micro-ops [read k v] / [write k v] over named
//                registers; a nil read constrains nothing; every register initially nil unless
//                `initial` names values (Knossos' tests start at {x 0, y 0}).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "checkers/linearizability.h"

namespace fl::checkers {

enum class FailedCas { kEvidence, kNeverHappened };

std::unique_ptr<Model> make_model(const std::string& name);  // nullptr if unknown
// The multi-register model starting from `initial` (a JSON object: register -> value); nullptr
// if `initial` is not an object.
std::unique_ptr<Model> make_multi_register(const nlohmann::json& initial);
std::vector<std::string> model_names();
// A JSON array's elements as sorted, unique JSON texts in one JSON array text (set states and
// set reads compare equal exactly when they hold the same elements).
std::string canonical_set(const std::string& json_text);

}  // namespace fl::checkers
