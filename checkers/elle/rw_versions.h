// Version orders of rw-register keys under Elle's optional assumptions (Jepsen Elle's
// :sequential-keys? and :linearizable-keys?). Each committed transaction's view of a key is the
// version it first saw (its external read, or else its final write) and the last one (its final
// write, or else its read). Orders inferred, as edges "from precedes to" between versions:
//  - writes follow reads (Elle's :wfr-keys?), always: a transaction's first version of a key
//    precedes its last;
//  - sequential keys: one process' committed transactions, in process order, see a key's
//    versions in version order: the earlier transaction's last version precedes the later one's
//    first;
//  - linearizable keys: the same for real-time order (the earlier completed before the later was
//    invoked). Only the real-time frontier is linked (the transitive reduction, as cycles.cc
//    does for real-time edges), with at most kMaxRealtimeFrontier predecessors kept per key;
//    predecessors beyond it are dropped (sound: fewer inferences) and counted.
#pragma once

#include <cstdint>
#include <vector>

#include "checkers/elle/core.h"

namespace fl::checkers::elle {

constexpr std::uint32_t kNoVersion = UINT32_MAX;
constexpr std::size_t kMaxRealtimeFrontier = 256;  // per key; pairwise-concurrent transactions

struct RwAssumptions {
  bool sequential_keys = false;    // each key is sequentially consistent
  bool linearizable_keys = false;  // each key is linearizable
  bool any() const { return sequential_keys || linearizable_keys; }
};

// A committed transaction's view of one key: versions are value ids (the initial nil included).
struct Touch {
  std::size_t txn = 0;
  std::uint32_t key = 0;
  std::uint32_t first = kNoVersion, last = kNoVersion;
};

enum class OrderSource : std::uint8_t { kWfr, kProcess, kRealtime };
const char* to_string(OrderSource s);

// `from` precedes `to` (from != to) in `key`'s version order, as from_txn's view of the key and
// then to_txn's (the same transaction for kWfr) imply.
struct VersionEdge {
  std::uint32_t key = 0, from = 0, to = 0;
  std::size_t from_txn = 0, to_txn = 0;
  OrderSource source = OrderSource::kWfr;
};

// REQUIRES: touches sorted by (txn, key), one per pair, of committed transactions only, with
// first and last set. Returns the edges the assumptions imply, sorted by (key, from, to) with
// one (the least witnesses) per pair. *frontier_dropped counts real-time predecessors dropped.
std::vector<VersionEdge> version_edges(const std::vector<Txn>& txns,
                                       const std::vector<Touch>& touches, const RwAssumptions& a,
                                       std::size_t* frontier_dropped);

// REQUIRES: edges all of one key. A cycle in that key's version order, as its edges in order,
// or empty if there is none. An edge into `nil` is a cycle by itself (nil precedes every
// version).
std::vector<VersionEdge> version_cycle(const std::vector<VersionEdge>& key_edges,
                                       std::uint32_t nil);

}  // namespace fl::checkers::elle
