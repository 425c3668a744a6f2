// Cycle search and classification for the Elle checkers. Data-dependency cycles first, in the
// order Elle uses (each class is the most permissive explanation available in its component):
// G0 (ww only), G1c (ww and wr, at least one wr), G-single (exactly one rw), G2-item (more).
// Then cycles that need process order ("-process") and real-time order ("-realtime"), which
// rule out only the session and strict models.
#include <algorithm>

#include "checkers/elle/core.h"

namespace fl::checkers::elle {
namespace {

constexpr std::size_t kMaxEdgeTriesPerComponent = 32;  // candidate edges closed into cycles

// Process order: each process's transactions in invocation order, after an ok one. Real-time
// order: T1 -> T2 when T1 completed ok before T2 was invoked, kept transitively reduced with
// Elle's frontier (the ok transactions completed that no later completed one already follows).
void add_order_edges(Graph& g, const std::vector<Txn>& txns) {
  std::map<std::int64_t, std::size_t> last;
  for (const Txn& t : txns) {
    if (t.type == history::OpType::kFail) continue;
    auto it = last.find(t.process);
    if (it != last.end() && txns[it->second].type == history::OpType::kOk) {
      g.add(it->second, t.id, Dep::kProcess);
    }
    last[t.process] = t.id;
  }
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

std::string base_class(const std::vector<Step>& cycle) {
  std::size_t rw = 0, wr = 0;
  for (const Step& s : cycle) {
    rw += s.edge.dep == Dep::kRW;
    wr += s.edge.dep == Dep::kWR;
  }
  return rw == 0 ? (wr == 0 ? "G0" : "G1c") : rw == 1 ? "G-single" : "G2-item";
}

void report_cycle(const Graph& g, Reporter& r, const std::vector<Step>& cycle,
                  const std::string& suffix) {
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
  r.add(base_class(cycle) + suffix, explanation, ids, text);
}

// The shortest cycle (over `path_mask`) closing one of the first edges of kind `closing` inside
// component `c`; empty if none.
std::vector<Step> cycle_through(const Graph& g, const std::vector<std::size_t>& members, int c,
                                const std::vector<int>& comp_of, Dep closing, DepMask path_mask) {
  std::vector<Step> best;
  std::size_t tries = 0;
  for (std::size_t v : members) {
    for (const Edge& e : g.out(v)) {
      if (e.dep != closing || comp_of[e.to] != c) continue;
      if (++tries > kMaxEdgeTriesPerComponent) return best;
      std::vector<Step> p = g.path(e.to, v, path_mask, comp_of);
      if (p.empty() || (!best.empty() && p.size() + 1 >= best.size())) continue;
      p.insert(p.begin(), Step{v, e});
      best = std::move(p);
    }
  }
  return best;
}

// Closes edges of kind `closing` with paths over `path_mask` first (the most permissive class),
// then over all of `comp_mask`.
void search(const Graph& g, Reporter& r, DepMask comp_mask, Dep closing, DepMask path_mask,
            const std::string& suffix) {
  std::vector<int> comp_of;
  const auto comps = g.components(comp_mask, &comp_of);
  for (std::size_t c = 0; c < comps.size(); ++c) {
    const int ci = static_cast<int>(c);
    auto cycle = cycle_through(g, comps[c], ci, comp_of, closing, path_mask);
    if (cycle.empty() && path_mask != comp_mask) {
      cycle = cycle_through(g, comps[c], ci, comp_of, closing, comp_mask);
    }
    if (!cycle.empty()) report_cycle(g, r, cycle, suffix);
  }
}

}  // namespace

void find_cycles(Graph& g, Reporter& reporter) {
  add_order_edges(g, reporter.txns());
  std::vector<int> comp_of;
  if (g.components(kAllDeps, &comp_of).empty()) return;  // acyclic: the common, valid case
  const DepMask ww = bit(Dep::kWW), wwr = ww | bit(Dep::kWR);
  const DepMask process = kDataDeps | bit(Dep::kProcess);
  search(g, reporter, ww, Dep::kWW, ww, "");          // G0
  search(g, reporter, wwr, Dep::kWR, wwr, "");        // G1c
  search(g, reporter, kDataDeps, Dep::kRW, wwr, "");  // G-single, else G2-item
  search(g, reporter, process, Dep::kProcess, process, "-process");
  search(g, reporter, kAllDeps, Dep::kRealtime, kAllDeps, "-realtime");
}

}  // namespace fl::checkers::elle
