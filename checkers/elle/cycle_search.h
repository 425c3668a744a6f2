// The search for one cycle of a given class inside one strongly connected component (Elle's
// cycle-anomaly-specs and bfs/search, for item edges). A class is a closing edge kind plus rules
// for the path back:
//   G0             ww only
//   G1c            ww and wr, at least one wr (closed by a wr edge)
//   G-single       ww and wr and exactly one rw (closed by it)
//   G-nonadjacent  ww, wr, two or more rw, no two rw edges adjacent (the cycle wraps around)
//   G2-item        ww, wr, rw, two adjacent rw edges
// and for each the "-process" variant (process edges allowed, at least one; no real-time edge)
// and the "-realtime" variant (process and real-time edges allowed, at least one real-time).
// Every cycle returned is classified as exactly its class (classify(), below).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/elle/graph.h"

namespace fl::checkers::elle {

enum class RwRule : std::uint8_t { kNone, kOne, kNonadjacent, kAdjacent };
enum class Variant : std::uint8_t { kNone, kProcess, kRealtime };

struct CycleSpec {
  std::string type;  // "G0", "G-single-process", ...
  Dep closing;       // the kind of the edge that closes the cycle
  RwRule rw;
  Variant variant;
};

// The fifteen classes, most severe first (data classes, then -process, then -realtime).
const std::vector<CycleSpec>& cycle_specs();

// The class of `cycle` by its edges, as Elle's cycle explainer names it ("" if it has no data
// edge at all).
std::string classify(const std::vector<Step>& cycle);

struct SearchBudget {
  std::uint64_t steps_left = 0;  // edge relaxations still allowed; the search stops at 0
};

// A cycle of class `spec` through nodes of component `comp` (comp_of as Graph::components over
// every edge kind), or empty when there is none or the budget ran out (*exhausted then true).
std::vector<Step> find_cycle(const Graph& g, const std::vector<std::size_t>& members, int comp,
                             const std::vector<int>& comp_of, const CycleSpec& spec,
                             SearchBudget* budget, bool* exhausted);

}  // namespace fl::checkers::elle
