// Version-order inference for rw-register under Elle's assumptions. See rw_versions.h.
#include "checkers/elle/rw_versions.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

namespace fl::checkers::elle {
namespace {

// A broken precondition is a programmer error; the registry turns the throw into unknown.
void require(bool ok, const char* what) {
  if (!ok) throw std::logic_error(std::string("rw_versions: ") + what);
}

void link(const Touch& a, const Touch& b, OrderSource s, std::vector<VersionEdge>* out) {
  require(a.key == b.key, "an edge between two keys");
  if (a.last != b.first) out->push_back(VersionEdge{a.key, a.last, b.first, a.txn, b.txn, s});
}

// Process order: each (process, key)'s touches in transaction order (invocation order, which
// within one process is its order).
void sequential(const std::vector<Txn>& txns, const std::vector<Touch>& touches,
                std::vector<VersionEdge>* out) {
  std::map<std::pair<std::int64_t, std::uint32_t>, std::size_t> previous;  // -> touch index
  for (std::size_t i = 0; i < touches.size(); ++i) {
    const Touch& t = touches[i];
    auto [it, fresh] = previous.try_emplace({txns[t.txn].process, t.key}, i);
    if (!fresh) {
      link(touches[it->second], t, OrderSource::kProcess, out);
      it->second = i;
    }
  }
}

// Real-time order, per key, through the frontier of transactions that completed and have no
// completed real-time successor yet (pairwise concurrent, so about one per process).
void realtime(const std::vector<Txn>& txns, const std::vector<Touch>& touches,
              std::vector<VersionEdge>* out, std::size_t* dropped) {
  struct Event {
    std::size_t pos, touch;
    bool complete;
  };
  std::vector<Event> events;
  events.reserve(touches.size() * 2);
  for (std::size_t i = 0; i < touches.size(); ++i) {
    const Txn& t = txns[touches[i].txn];
    require(t.type == history::OpType::kOk && t.complete_pos != kNoPos, "an uncommitted touch");
    events.push_back({t.invoke_pos, i, false});
    events.push_back({t.complete_pos, i, true});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.pos, a.touch) < std::tie(b.pos, b.touch);
  });
  std::map<std::uint32_t, std::vector<std::size_t>> frontier;  // key -> touches, oldest first
  std::map<std::size_t, std::vector<std::size_t>> seen;        // open touch -> its predecessors
  for (const Event& e : events) {
    const Touch& t = touches[e.touch];
    auto& f = frontier[t.key];
    if (!e.complete) {
      for (std::size_t p : f) link(touches[p], t, OrderSource::kRealtime, out);
      seen[e.touch] = f;
      continue;
    }
    complete_in_frontier(&f, seen[e.touch], e.touch);
    if (f.size() > kMaxRealtimeFrontier) {
      *dropped += f.size() - kMaxRealtimeFrontier;
      f.erase(f.begin(), f.end() - kMaxRealtimeFrontier);
    }
    seen.erase(e.touch);
  }
  require(seen.empty(), "a touch invoked but never completed");
}

// REQUIRES: every node not removed has an edge into it from another node not removed (what
// Kahn's algorithm leaves). Walks such edges backwards until a node repeats: a cycle.
std::vector<VersionEdge> backward_cycle(const std::vector<VersionEdge>& edges,
                                        const std::map<std::uint32_t, std::size_t>& index,
                                        const std::vector<std::vector<std::size_t>>& in,
                                        const std::vector<bool>& removed) {
  const std::size_t n = in.size();
  std::size_t v =
      static_cast<std::size_t>(std::find(removed.begin(), removed.end(), false) - removed.begin());
  std::vector<std::size_t> step_at(n, kNoPos);  // node -> its position in the walk
  std::vector<std::size_t> walk;                // edges taken, each into the previous node
  for (std::size_t steps = 0; steps <= n; ++steps) {
    require(v < n, "no node left to walk from");
    if (step_at[v] != kNoPos) {
      std::vector<VersionEdge> cycle;
      for (std::size_t i = walk.size(); i > step_at[v]; --i) cycle.push_back(edges[walk[i - 1]]);
      return cycle;
    }
    step_at[v] = walk.size();
    const auto e = std::find_if(in[v].begin(), in[v].end(),
                                [&](std::size_t i) { return !removed[index.at(edges[i].from)]; });
    require(e != in[v].end(), "a remaining version with no remaining predecessor");
    walk.push_back(*e);
    v = index.at(edges[*e].from);
  }
  require(false, "a walk longer than the graph");
  return {};
}

}  // namespace

const char* to_string(OrderSource s) {
  switch (s) {
    case OrderSource::kWfr:
      return "writes follow reads";
    case OrderSource::kProcess:
      return "process order";
    case OrderSource::kRealtime:
      return "real-time order";
  }
  return "?";
}

std::vector<VersionEdge> version_edges(const std::vector<Txn>& txns,
                                       const std::vector<Touch>& touches, const RwAssumptions& a,
                                       std::size_t* frontier_dropped) {
  std::vector<VersionEdge> out;
  for (std::size_t i = 0; i < touches.size(); ++i) {
    const Touch& t = touches[i];
    require(t.txn < txns.size() && t.first != kNoVersion && t.last != kNoVersion, "a bad touch");
    require(i == 0 || std::tie(touches[i - 1].txn, touches[i - 1].key) < std::tie(t.txn, t.key),
            "touches out of order");
    if (t.first != t.last) {
      out.push_back(VersionEdge{t.key, t.first, t.last, t.txn, t.txn, OrderSource::kWfr});
    }
  }
  if (a.sequential_keys) sequential(txns, touches, &out);
  if (a.linearizable_keys) realtime(txns, touches, &out, frontier_dropped);
  const auto order = [](const VersionEdge& x, const VersionEdge& y) {
    return std::tie(x.key, x.from, x.to, x.from_txn, x.to_txn, x.source) <
           std::tie(y.key, y.from, y.to, y.from_txn, y.to_txn, y.source);
  };
  std::sort(out.begin(), out.end(), order);
  const auto same = [](const VersionEdge& x, const VersionEdge& y) {
    return x.key == y.key && x.from == y.from && x.to == y.to;
  };
  out.erase(std::unique(out.begin(), out.end(), same), out.end());
  return out;
}

std::vector<VersionEdge> version_cycle(const std::vector<VersionEdge>& key_edges,
                                       std::uint32_t nil) {
  std::map<std::uint32_t, std::size_t> index;  // version -> node
  for (const VersionEdge& e : key_edges) {
    require(e.key == key_edges.front().key, "edges of several keys");
    if (e.to == nil) return {e};
    index.try_emplace(e.from, index.size());
    index.try_emplace(e.to, index.size());
  }
  const std::size_t n = index.size();
  std::vector<std::vector<std::size_t>> in(n);  // node -> edges into it
  std::vector<std::size_t> indegree(n, 0), ready;
  for (std::size_t i = 0; i < key_edges.size(); ++i) {
    in[index[key_edges[i].to]].push_back(i);
    ++indegree[index[key_edges[i].to]];
  }
  for (std::size_t v = 0; v < n; ++v) {
    if (indegree[v] == 0) ready.push_back(v);
  }
  std::vector<std::vector<std::size_t>> out(n);
  for (std::size_t i = 0; i < key_edges.size(); ++i) out[index[key_edges[i].from]].push_back(i);
  std::vector<bool> removed(n, false);
  std::size_t left = n;
  while (!ready.empty()) {  // Kahn: at most n iterations
    const std::size_t v = ready.back();
    ready.pop_back();
    removed[v] = true;
    --left;
    for (std::size_t i : out[v]) {
      if (--indegree[index[key_edges[i].to]] == 0) ready.push_back(index[key_edges[i].to]);
    }
  }
  if (left == 0) return {};
  return backward_cycle(key_edges, index, in, removed);
}

}  // namespace fl::checkers::elle
