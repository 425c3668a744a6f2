// Constrained breadth-first search for a cycle of one class (cycle_search.h). For each edge of
// the class's closing kind u -> w inside the component, a search from w back to u over the
// edges the class allows, in the product of nodes and a small path state, finds the shortest
// path that completes a cycle of exactly that class.
#include "checkers/elle/cycle_search.h"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <unordered_map>

namespace fl::checkers::elle {
namespace {

// Path state bits.
constexpr std::uint8_t kLastRw = 1;    // the last edge taken was rw
constexpr std::uint8_t kHasRw = 2;     // the path has an rw edge
constexpr std::uint8_t kAdjacent = 4;  // the path has two consecutive rw edges
constexpr std::uint8_t kFirstRw = 8;   // the path's first edge was rw
constexpr std::uint8_t kVariant = 16;  // the path has the variant's required edge
constexpr std::uint8_t kStarted = 32;  // the path has at least one edge
constexpr std::uint64_t kNoParent = UINT64_MAX;

DepMask allowed(const CycleSpec& s) {
  DepMask m = bit(Dep::kWW);
  if (s.closing != Dep::kWW) m |= bit(Dep::kWR);
  if (s.rw == RwRule::kNonadjacent || s.rw == RwRule::kAdjacent) m |= bit(Dep::kRW);
  if (s.variant != Variant::kNone) m |= bit(Dep::kProcess);
  if (s.variant == Variant::kRealtime) m |= bit(Dep::kRealtime);
  return m;
}

Dep required(const CycleSpec& s) {
  return s.variant == Variant::kRealtime ? Dep::kRealtime : Dep::kProcess;
}

// The state after taking an edge of kind d from `state`, or false if the class forbids it.
bool advance(const CycleSpec& s, std::uint8_t state, Dep d, std::uint8_t* next) {
  const bool rw = d == Dep::kRW;
  const bool started = (state & kStarted) != 0;
  if (s.rw == RwRule::kNonadjacent && rw && (!started || (state & kLastRw) != 0)) return false;
  std::uint8_t n = state | kStarted;
  n = rw ? (n | kLastRw | kHasRw) : (n & ~kLastRw);
  if (rw && (state & kLastRw) != 0) n |= kAdjacent;
  if (rw && !started) n |= kFirstRw;
  if (s.variant != Variant::kNone && d == required(s)) n |= kVariant;
  *next = n;
  return true;
}

// Whether a path ending in `state` closes a cycle of the class (the closing edge included).
bool accepts(const CycleSpec& s, std::uint8_t state) {
  if (s.variant != Variant::kNone && (state & kVariant) == 0) return false;
  switch (s.rw) {
    case RwRule::kNone:
    case RwRule::kOne:
      return true;
    case RwRule::kNonadjacent:
      return (state & kHasRw) != 0 && (state & kLastRw) == 0;
    case RwRule::kAdjacent:
      return (state & kHasRw) != 0 && (state & (kAdjacent | kFirstRw | kLastRw)) != 0;
  }
  return false;
}

std::uint64_t key(std::size_t node, std::uint8_t state) {
  return (static_cast<std::uint64_t>(node) << 8) | state;
}

struct Parent {
  std::uint64_t prev;
  Edge edge;
};

// The shortest path from `from` to `to` that closes a cycle of the class, as steps; empty if none.
std::vector<Step> search_path(const Graph& g, std::size_t from, std::size_t to, int comp,
                              const std::vector<int>& comp_of, const CycleSpec& spec,
                              SearchBudget* budget, bool* exhausted) {
  const DepMask mask = allowed(spec);
  std::unordered_map<std::uint64_t, Parent> parent;
  std::deque<std::uint64_t> queue{key(from, 0)};
  parent.emplace(queue.front(), Parent{kNoParent, Edge{0, Dep::kWW, kNoKey}});
  std::uint64_t found = kNoParent;
  while (!queue.empty() && found == kNoParent) {
    const std::uint64_t k = queue.front();
    queue.pop_front();
    const std::size_t v = static_cast<std::size_t>(k >> 8);
    const auto state = static_cast<std::uint8_t>(k & 0xFF);
    for (const Edge& e : g.out(v)) {
      if (budget->steps_left == 0) return *exhausted = true, std::vector<Step>{};
      --budget->steps_left;
      std::uint8_t next = 0;
      if ((bit(e.dep) & mask) == 0 || comp_of[e.to] != comp) continue;
      if (!advance(spec, state, e.dep, &next)) continue;
      const std::uint64_t nk = key(e.to, next);
      if (!parent.emplace(nk, Parent{k, e}).second) continue;
      if (e.to == to && accepts(spec, next)) {
        found = nk;
        break;
      }
      if (e.to != to) queue.push_back(nk);
    }
  }
  std::vector<Step> steps;
  for (std::uint64_t k = found; k != kNoParent;) {
    const Parent& p = parent.at(k);
    if (p.prev == kNoParent) break;
    steps.push_back(Step{static_cast<std::size_t>(p.prev >> 8), p.edge});
    k = p.prev;
  }
  std::reverse(steps.begin(), steps.end());
  return steps;
}

CycleSpec spec(const std::string& base, Dep closing, RwRule rw, Variant v) {
  const char* suffix = v == Variant::kProcess    ? "-process"
                       : v == Variant::kRealtime ? "-realtime"
                                                 : "";
  return CycleSpec{base + suffix, closing, rw, v};
}

}  // namespace

const std::vector<CycleSpec>& cycle_specs() {
  static const std::vector<CycleSpec> specs = [] {
    std::vector<CycleSpec> out;
    for (Variant v : {Variant::kNone, Variant::kProcess, Variant::kRealtime}) {
      out.push_back(spec("G0", Dep::kWW, RwRule::kNone, v));
      out.push_back(spec("G1c", Dep::kWR, RwRule::kNone, v));
      out.push_back(spec("G-single", Dep::kRW, RwRule::kOne, v));
      out.push_back(spec("G-nonadjacent", Dep::kRW, RwRule::kNonadjacent, v));
      out.push_back(spec("G2-item", Dep::kRW, RwRule::kAdjacent, v));
    }
    return out;
  }();
  return specs;
}

std::string classify(const std::vector<Step>& cycle) {
  std::size_t ww = 0, wr = 0, rw = 0, process = 0, realtime = 0;
  bool adjacent = false;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const Dep d = cycle[i].edge.dep;
    ww += d == Dep::kWW;
    wr += d == Dep::kWR;
    rw += d == Dep::kRW;
    process += d == Dep::kProcess;
    realtime += d == Dep::kRealtime;
    const Dep prev = cycle[(i + cycle.size() - 1) % cycle.size()].edge.dep;
    adjacent = adjacent || (d == Dep::kRW && prev == Dep::kRW);
  }
  std::string base = rw == 1  ? "G-single"
                     : rw > 1 ? (adjacent ? "G2-item" : "G-nonadjacent")
                     : wr > 0 ? "G1c"
                     : ww > 0 ? "G0"
                              : "";
  if (base.empty()) return base;
  return base + (realtime > 0 ? "-realtime" : process > 0 ? "-process" : "");
}

std::vector<Step> find_cycle(const Graph& g, const std::vector<std::size_t>& members, int comp,
                             const std::vector<int>& comp_of, const CycleSpec& spec,
                             SearchBudget* budget, bool* exhausted) {
  *exhausted = false;
  for (std::size_t u : members) {
    for (const Edge& e : g.out(u)) {
      if (e.dep != spec.closing || comp_of[e.to] != comp) continue;
      std::vector<Step> path = search_path(g, e.to, u, comp, comp_of, spec, budget, exhausted);
      if (*exhausted) return {};
      if (path.empty()) continue;
      path.insert(path.begin(), Step{u, e});
      if (classify(path) != spec.type) {
        throw std::logic_error("elle: a " + spec.type + " search found a " + classify(path));
      }
      return path;
    }
  }
  return {};
}

}  // namespace fl::checkers::elle
