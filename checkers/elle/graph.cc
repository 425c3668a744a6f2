#include "checkers/elle/graph.h"

#include <algorithm>
#include <deque>
#include <limits>

namespace fl::checkers::elle {

const char* to_string(Dep d) {
  switch (d) {
    case Dep::kWW:
      return "ww";
    case Dep::kWR:
      return "wr";
    case Dep::kRW:
      return "rw";
    case Dep::kProcess:
      return "process";
    case Dep::kRealtime:
      return "realtime";
  }
  return "?";
}

void Graph::add(std::size_t from, std::size_t to, Dep dep) {
  for (const Edge& e : out_[from]) {
    if (e.to == to && e.dep == dep) return;
  }
  out_[from].push_back(Edge{to, dep});
}

std::vector<std::vector<std::size_t>> Graph::cycles_components() const {
  const std::size_t n = out_.size();
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> index(n, kNone), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<std::size_t> stack;
  std::vector<std::vector<std::size_t>> out;
  std::size_t counter = 0;
  struct Frame {
    std::size_t node, edge;
  };
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    std::vector<Frame> call{{root, 0}};
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!call.empty()) {
      Frame& f = call.back();
      if (f.edge < out_[f.node].size()) {
        const std::size_t w = out_[f.node][f.edge++].to;
        if (index[w] == kNone) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          call.push_back({w, 0});
        } else if (on_stack[w]) {
          low[f.node] = std::min(low[f.node], index[w]);
        }
        continue;
      }
      const std::size_t v = f.node;
      call.pop_back();
      if (!call.empty()) low[call.back().node] = std::min(low[call.back().node], low[v]);
      if (low[v] != index[v]) continue;
      std::vector<std::size_t> comp;
      std::size_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        comp.push_back(w);
      } while (w != v);
      bool self_loop = false;
      for (const Edge& e : out_[v]) self_loop = self_loop || e.to == v;
      if (comp.size() > 1 || self_loop) {
        std::sort(comp.begin(), comp.end());
        out.push_back(std::move(comp));
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::size_t, Dep>> Graph::shortest_cycle(std::size_t start,
                                                               const std::vector<int>& comp) const {
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> parent(out_.size(), kNone);
  std::vector<Dep> via(out_.size(), Dep::kWW);
  std::deque<std::size_t> queue{start};
  std::size_t last = kNone;
  Dep closing = Dep::kWW;
  while (!queue.empty() && last == kNone) {
    const std::size_t v = queue.front();
    queue.pop_front();
    for (const Edge& e : out_[v]) {
      if (comp[e.to] != comp[start]) continue;
      if (e.to == start) {
        last = v;
        closing = e.dep;
        break;
      }
      if (parent[e.to] != kNone) continue;
      parent[e.to] = v;
      via[e.to] = e.dep;
      queue.push_back(e.to);
    }
  }
  if (last == kNone) return {};
  std::vector<std::pair<std::size_t, Dep>> cycle{{last, closing}};
  for (std::size_t v = last; v != start; v = parent[v]) cycle.push_back({parent[v], via[v]});
  std::reverse(cycle.begin(), cycle.end());
  return cycle;
}

}  // namespace fl::checkers::elle
