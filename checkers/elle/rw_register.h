// An Elle-style checker for read-write register transactions: micro-ops ["w", k, v] and
// ["r", k, v|null] in f "txn" ops. Written values are unique per key and never null, so a read
// names the one transaction that wrote what it saw (wr). Version orders are inferred only where
// certain, so no reported anomaly is a guess:
//  - the initial state is nil: a read of nil precedes every write of that key (rw to each
//    writer);
//  - a committed transaction that read version v of k and then wrote k installed a later
//    version: ww from v's writer, rw from every other reader of v.
// The second rule is Elle's "writes follow reads" (:wfr-keys?), which here is always on: it is
// no assumption, since a committed transaction's write of a key follows its own read of it.
// Optional assumptions (RwAssumptions, off by default; rw_versions.h) add version orders from
// process order (sequential-keys) or real-time order (linearizable-keys) per key: for each
// inferred "v1 precedes v2", ww from v1's writer to v2's and rw from v1's readers to v2's writer
// (Elle's edges between consecutive versions). A key whose inferred version order is cyclic is
// a "cyclic-versions" anomaly (Elle's name) naming the transactions whose views conflict; such a
// key then gets no assumed edges. With process and real-time orders (core.h) cycles are classified
// as for list-append. Also: G1a (a read of an aborted write), G1b (a read of another transaction's
// intermediate write), internal inconsistency (a read that disagrees with the transaction's own
// earlier read or write), unwritten reads (of a value no transaction wrote: information only, as in
// Elle, whose rw-register allows initial states the history does not show; ruling out no model; an
// intermediate write read gets G1b and no wr edge), lost updates (two committed transactions read
// the same version of a key and both wrote it).
#pragma once

#include "checkers/elle/core.h"
#include "checkers/elle/rw_versions.h"

namespace fl::checkers::elle {

// Assumed edges (ww and rw from assumed version orders) kept at most, over all keys; edges
// beyond it are dropped (sound: fewer inferences) and counted.
constexpr std::size_t kMaxAssumedEdges = 1'000'000;

// ElleResult plus what the analysis assumed and what limits cut short.
struct RwRegisterResult : ElleResult {
  RwAssumptions assumptions;
  std::size_t frontier_dropped = 0;       // real-time predecessors beyond kMaxRealtimeFrontier
  std::size_t assumed_edges_dropped = 0;  // beyond kMaxAssumedEdges
  // ElleResult::to_json() plus "assumptions" {"wfr-keys": true, "sequential-keys",
  // "linearizable-keys"} and, when a limit dropped inferences, "assumptions-truncated".
  nlohmann::json to_json() const;
};

RwRegisterResult check_rw_register(const history::History& h, const RwAssumptions& a = {},
                                   OrderEdges orders = OrderEdges::kBoth);

}  // namespace fl::checkers::elle
