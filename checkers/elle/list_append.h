// An Elle-style checker for list-append transactions (Kingsbury & Alvaro, "Elle: Inferring
// Isolation Anomalies from Experimental Observations", VLDB 2020).
//
// Each transaction is a list of micro-ops ["append", k, v] and ["r", k, [v...]] (our JSON-lines
// history, f "txn"). Appended values are unique per key, so every read reveals a prefix of the
// key's version order; the longest read fixes the order and every other read must be a prefix of
// it. From that it infers write-write, write-read and read-write dependencies between committed
// transactions, finds cycles (strongly connected components, then a shortest cycle in each) and
// classifies them: G0 (ww only), G1c (ww/wr), G-single (exactly one rw), G2-item (two or more rw).
// Also: G1a (a read of an aborted append), G1b (a read ending at another transaction's
// intermediate append), internal inconsistency, duplicate elements, incompatible orders, lost
// updates. It reports which consistency models the anomalies rule out.
//
// Not modelled yet: realtime and process orders (so strict serializability and session variants
// are not judged), and predicate reads.
#pragma once

#include <nlohmann/json.hpp>

#include "checkers/linearizability.h"
#include "history/history.h"

namespace fl::checkers::elle {

struct ElleResult {
  Validity valid = Validity::kTrue;
  nlohmann::json anomalies = nlohmann::json::object();  // class -> [explanations]
  std::vector<std::string> not_models;                  // consistency models ruled out
  std::string error;                                    // malformed history (then unknown)
  nlohmann::json to_json() const;
};

constexpr std::size_t kMaxReportedPerClass = 8;

ElleResult check_list_append(const history::History& h);

}  // namespace fl::checkers::elle
