// Sequential specifications for the linearizability checker.
//
//  register      read / write; state = JSON text of the value, initially null.
//  cas-register  read / write / cas(from, to). A failed cas means, with kEvidence (Porcupine's
//                meaning), "the compare did not match" and is checked as an observation; with
//                kNeverHappened (Knossos' meaning) failed operations are dropped before checking.
//  kv            per key: get / put / append; state = the string, initially "" (Porcupine's kv).
#pragma once

#include <memory>
#include <string>

#include "checkers/linearizability.h"

namespace fl::checkers {

enum class FailedCas { kEvidence, kNeverHappened };

std::unique_ptr<Model> make_model(const std::string& name);  // nullptr if unknown
std::vector<std::string> model_names();

}  // namespace fl::checkers
