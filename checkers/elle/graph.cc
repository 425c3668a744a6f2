#include "checkers/elle/graph.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <stdexcept>

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

std::uint32_t Graph::key_id(const std::string& key) {
  // find first: emplace would build (allocate) a node for every call, found or not.
  if (auto it = key_ids_.find(key); it != key_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(keys_.size());
  key_ids_.emplace(key, id);
  keys_.push_back(key);
  return id;
}

Graph::Graph(std::size_t nodes) : out_(nodes) {
  // A checker that throws yields `unknown` with the error (registry.h).
  if (nodes >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("elle: at most 2^32 - 1 transactions");
  }
}

void Graph::add(std::size_t from, std::size_t to, Dep dep, std::uint32_t key) {
  if (from == to || out_[from].size() >= kMaxOutDegree) return;
  for (const Edge& e : out_[from]) {
    if (e.to == to && e.dep == dep) return;  // one edge per kind is enough to explain a cycle
  }
  out_[from].push_back(Edge{static_cast<std::uint32_t>(to), dep, key});
}

std::vector<std::vector<std::size_t>> Graph::components(DepMask mask,
                                                        std::vector<int>* comp_of) const {
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
  std::vector<Frame> call;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    call.push_back({root, 0});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!call.empty()) {
      Frame& f = call.back();
      if (f.edge < out_[f.node].size()) {
        const Edge& e = out_[f.node][f.edge++];
        if ((bit(e.dep) & mask) == 0) continue;
        const std::size_t w = e.to;
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
      std::size_t w = kNone;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        comp.push_back(w);
      } while (w != v);
      if (comp.size() > 1) {
        std::sort(comp.begin(), comp.end());
        out.push_back(std::move(comp));
      }
    }
  }
  std::sort(out.begin(), out.end());
  comp_of->assign(n, -1);
  for (std::size_t c = 0; c < out.size(); ++c) {
    for (std::size_t v : out[c]) (*comp_of)[v] = static_cast<int>(c);
  }
  return out;
}

std::vector<Step> Graph::path(std::size_t from, std::size_t to, DepMask mask,
                              const std::vector<int>& comp_of) const {
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  if (from == to || comp_of[from] < 0 || comp_of[from] != comp_of[to]) return {};
  // Parents are kept only for visited nodes (a component may be much smaller than the graph).
  std::map<std::size_t, Step> parent;
  std::deque<std::size_t> queue{from};
  parent.emplace(from, Step{kNone, Edge{static_cast<std::uint32_t>(from), Dep::kWW, kNoKey}});
  bool found = false;
  while (!queue.empty() && !found) {
    const std::size_t v = queue.front();
    queue.pop_front();
    for (const Edge& e : out_[v]) {
      if ((bit(e.dep) & mask) == 0 || comp_of[e.to] != comp_of[from]) continue;
      if (!parent.emplace(e.to, Step{v, e}).second) continue;
      if (e.to == to) {
        found = true;
        break;
      }
      queue.push_back(e.to);
    }
  }
  if (!found) return {};
  std::vector<Step> steps;
  for (std::size_t v = to; v != from;) {
    const Step& s = parent.at(v);
    steps.push_back(s);
    v = s.node;
  }
  std::reverse(steps.begin(), steps.end());
  return steps;
}

}  // namespace fl::checkers::elle
