// Cycle search for the Elle checkers: process and real-time order edges are added to the data
// dependencies, then each strongly connected component (over every edge kind) is searched for
// each cycle class of cycle_search.h in turn, most severe first: G0, G1c, G-single,
// G-nonadjacent, G2-item, then their -process and -realtime variants; a class implied by one
// already found in the component (Elle's implied anomalies) is not searched for.
#include <algorithm>

#include "checkers/elle/consistency_model.h"
#include "checkers/elle/core.h"
#include "checkers/elle/cycle_search.h"

namespace fl::checkers::elle {
namespace {

// Edge relaxations the class searches may spend per component, and over all of them; a search
// cut short reports "cycle-search-timeout" (the verdict is then unknown unless something found
// already rules the expected model out) and some cycle of the component.
constexpr std::uint64_t kMaxStepsPerComponent = 4'000'000;
constexpr std::uint64_t kMaxSearchSteps = 40'000'000;

// Process order: each process's transactions in invocation order, after an ok one. Real-time
// order: T1 -> T2 when T1 completed ok before T2 was invoked, kept transitively reduced with
// Elle's frontier (the ok transactions completed that no later completed one already follows).
void add_order_edges(Graph& g, const std::vector<Txn>& txns, OrderEdges orders) {
  const bool process = orders == OrderEdges::kProcess || orders == OrderEdges::kBoth;
  const bool realtime = orders == OrderEdges::kRealtime || orders == OrderEdges::kBoth;
  std::map<std::int64_t, std::size_t> last;
  for (const Txn& t : txns) {
    if (!process) break;
    if (t.type == history::OpType::kFail) continue;
    auto it = last.find(t.process);
    if (it != last.end() && txns[it->second].type == history::OpType::kOk) {
      g.add(it->second, t.id, Dep::kProcess);
    }
    last[t.process] = t.id;
  }
  if (!realtime) return;
  struct Event {
    std::size_t pos, txn;
    bool complete;
  };
  std::vector<Event> events;
  for (const Txn& t : txns) {
    if (t.type == history::OpType::kFail) continue;
    events.push_back({t.invoke_pos, t.id, false});
    if (t.type == history::OpType::kOk) events.push_back({t.complete_pos, t.id, true});
  }
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.pos < b.pos; });
  std::vector<std::size_t> frontier;
  std::map<std::size_t, std::vector<std::size_t>> seen;  // open txn -> frontier at its invoke
  for (const Event& e : events) {
    if (!e.complete) {
      for (std::size_t f : frontier) g.add(f, e.txn, Dep::kRealtime);
      if (txns[e.txn].type == history::OpType::kOk) seen[e.txn] = frontier;
      continue;
    }
    complete_in_frontier(&frontier, seen[e.txn], e.txn);
    seen.erase(e.txn);
  }
}

// Reports `found` starting at its least transaction (one text for one cycle, however found).
void report_cycle(const Graph& g, Reporter& r, const std::vector<Step>& found) {
  const auto least = std::min_element(found.begin(), found.end(),
                                      [](const Step& a, const Step& b) { return a.node < b.node; });
  std::vector<Step> cycle(least, found.end());
  cycle.insert(cycle.end(), found.begin(), least);
  std::string text;
  std::vector<std::size_t> ids;
  for (const Step& s : cycle) {
    text += "T" + std::to_string(s.node) + " -" + to_string(s.edge.dep);
    if (s.edge.key != kNoKey) text += "(" + g.key_name(s.edge.key) + ")";
    text += "-> ";
    ids.push_back(s.node);
  }
  text += "T" + std::to_string(cycle.front().node);
  std::string explanation = text;
  for (std::size_t id : ids) explanation += "; " + r.txn_text(id);
  r.add(classify(cycle), explanation, ids, text);
}

// Some cycle through component `c` (its first edge closed by a shortest path over every edge
// kind): what is said about a component whose class search ran out of budget.
std::vector<Step> any_cycle(const Graph& g, const std::vector<std::size_t>& members, int c,
                            const std::vector<int>& comp_of) {
  for (std::size_t u : members) {
    for (const Edge& e : g.out(u)) {
      if (comp_of[e.to] != c) continue;
      std::vector<Step> p = g.path(e.to, u, kAllDeps, comp_of);
      if (p.empty()) continue;
      p.insert(p.begin(), Step{u, e});
      return p;
    }
  }
  return {};
}

// Searches component `c` for each class in turn, most severe first, skipping classes implied by
// one already found there (as Elle does). Returns false if the budget ran out.
bool search_component(const Graph& g, Reporter& r, const std::vector<std::size_t>& members, int c,
                      const std::vector<int>& comp_of, SearchBudget* budget) {
  std::vector<std::string> found;
  for (const CycleSpec& spec : cycle_specs()) {
    const bool implied = std::any_of(found.begin(), found.end(),
                                     [&](const std::string& f) { return implies(f, spec.type); });
    if (implied) continue;
    bool exhausted = false;
    const std::vector<Step> cycle = find_cycle(g, members, c, comp_of, spec, budget, &exhausted);
    if (exhausted) {
      const std::vector<Step> fallback = any_cycle(g, members, c, comp_of);
      if (!fallback.empty()) report_cycle(g, r, fallback);
      r.add("cycle-search-timeout",
            "the search for " + spec.type + " in a strongly connected component of " +
                std::to_string(members.size()) + " transactions ran out of its budget",
            {members.front()});
      return false;
    }
    if (cycle.empty()) continue;
    report_cycle(g, r, cycle);
    found.push_back(spec.type);
  }
  return true;
}

}  // namespace

void find_cycles(Graph& g, Reporter& reporter, OrderEdges orders) {
  add_order_edges(g, reporter.txns(), orders);
  bool any_edge = false;
  for (std::size_t n = 0; n < g.size() && !any_edge; ++n) any_edge = !g.out(n).empty();
  if (!any_edge) {
    reporter.add("empty-transaction-graph",
                 "no dependency, process or real-time edge relates any two transactions: "
                 "nothing can be inferred (Elle: unknown)",
                 {});
  }
  std::vector<int> comp_of;
  const auto comps = g.components(kAllDeps, &comp_of);  // none: acyclic, the common, valid case
  std::uint64_t total_left = kMaxSearchSteps;
  for (std::size_t c = 0; c < comps.size(); ++c) {
    SearchBudget budget{std::min(kMaxStepsPerComponent, total_left)};
    const std::uint64_t before = budget.steps_left;
    search_component(g, reporter, comps[c], static_cast<int>(c), comp_of, &budget);
    total_left -= before - budget.steps_left;
  }
}

}  // namespace fl::checkers::elle
