// Elle's model and anomaly tables as data (see consistency_model.h), and the searches over them.
#include "checkers/elle/consistency_model.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace fl::checkers::elle {
namespace {

using Edges = std::vector<std::pair<const char*, std::vector<const char*>>>;

// a -> b: a history that satisfies a satisfies b (Elle's `models`, canonical names replaced by
// friendly ones: PL-1 read-uncommitted, PL-2 read-committed, PL-2.99 repeatable-read, PL-3
// serializable, PL-SI snapshot-isolation, PL-SS strict-serializable, PL-CS cursor-stability,
// PL-2+ consistent-view, PL-2L monotonic-view, PL-MSR monotonic-snapshot-read, PL-FCV
// forward-consistent-view, PL-3U update-serializable, strong(-session)-PL-n the
// strong(-session)-read-(un)committed models).
const Edges& model_edges() {
  static const Edges e = {
      {"causal-cerone", {"read-atomic"}},
      {"consistent-view", {"cursor-stability", "monotonic-view"}},
      {"cursor-stability", {"read-committed"}},
      {"forward-consistent-view", {"consistent-view"}},
      {"read-committed", {"read-uncommitted"}},
      {"serializable",
       {"repeatable-read", "update-serializable", "snapshot-isolation", "view-serializable"}},
      {"update-serializable", {"forward-consistent-view"}},
      {"monotonic-atomic-view", {"read-committed"}},
      {"monotonic-view", {"read-committed"}},
      {"monotonic-snapshot-read", {"read-committed"}},
      {"parallel-snapshot-isolation", {"causal-cerone", "update-atomic"}},
      {"prefix", {"causal-cerone"}},
      {"read-atomic", {"monotonic-atomic-view"}},
      {"repeatable-read", {"cursor-stability", "monotonic-atomic-view"}},
      {"update-atomic", {"read-atomic"}},
      {"session-serializable", {"1SR"}},
      {"snapshot-isolation",
       {"forward-consistent-view", "monotonic-atomic-view", "monotonic-snapshot-read",
        "parallel-snapshot-isolation", "prefix"}},
      {"strict-serializable",
       {"serializable", "linearizable", "snapshot-isolation", "strong-snapshot-isolation",
        "strong-session-serializable", "session-serializable"}},
      {"strong-session-read-uncommitted", {"read-uncommitted"}},
      {"strong-session-read-committed", {"read-committed", "strong-session-read-uncommitted"}},
      {"strong-read-uncommitted", {"strong-session-read-uncommitted"}},
      {"strong-read-committed", {"strong-session-read-committed", "strong-read-uncommitted"}},
      {"strong-session-serializable", {"serializable", "strong-session-snapshot-isolation"}},
      {"strong-session-snapshot-isolation",
       {"snapshot-isolation", "strong-session-read-committed"}},
      {"strong-snapshot-isolation", {"strong-session-snapshot-isolation", "strong-read-committed"}},
      {"linearizable", {"sequential"}},
      {"sequential", {"causal"}},
      {"causal", {"writes-follow-reads", "PRAM"}},
      {"PRAM", {"monotonic-reads", "monotonic-writes", "read-your-writes"}},
  };
  return e;
}

// a -> b: finding a implies b is present too (Elle's `implied-anomalies`).
const Edges& anomaly_edges() {
  static const Edges e = {
      {"G0", {"G1c", "G0-process"}},
      {"G0-process", {"G1c-process", "G0-realtime"}},
      {"G0-realtime", {"G1c-realtime"}},
      {"G1a", {"G1"}},
      {"G1b", {"G1"}},
      {"G1c", {"G1", "G1c-process"}},
      {"G1c-process", {"G1c-realtime", "G1-process"}},
      {"G1c-realtime", {"G1-realtime"}},
      {"G1", {"G1-process"}},
      {"G1-process", {"G1-realtime"}},
      {"G-single-item", {"G-single", "G-single-item-process", "G-nonadjacent-item"}},
      {"G-single-item-process",
       {"G-single-process", "G-single-item-realtime", "G-nonadjacent-item-process"}},
      {"G-single-item-realtime", {"G-single-realtime", "G-nonadjacent-item-realtime"}},
      {"G-single", {"G-nonadjacent", "GSIb", "G-single-process"}},
      {"G-single-process", {"G-nonadjacent-process", "G-single-realtime"}},
      {"G-single-realtime", {"G-nonadjacent-realtime"}},
      {"G-nonadjacent-item", {"G-nonadjacent", "G2-item", "G-nonadjacent-item-process"}},
      {"G-nonadjacent-item-process",
       {"G-nonadjacent-process", "G2-item-process", "G-nonadjacent-item-realtime"}},
      {"G-nonadjacent-item-realtime", {"G2-item-realtime", "G-nonadjacent-realtime"}},
      {"G-nonadjacent", {"G2", "G-nonadjacent-process"}},
      {"G-nonadjacent-process", {"G2-process", "G-nonadjacent-realtime"}},
      {"G-nonadjacent-realtime", {"G2-realtime"}},
      {"G2", {"G2-process"}},
      {"G2-item", {"G2", "G2-item-process"}},
      {"G2-item-process", {"G2-process", "G2-item-realtime"}},
      {"G2-item-realtime", {"G2-realtime"}},
      {"G2-process", {"G2-realtime"}},
      {"GSIa", {"GSI"}},
      {"GSIb", {"GSI"}},
      {"incompatible-order", {"G1a"}},
      {"future-read", {"G1c"}},
      {"dirty-update", {"G1a"}},
      {"lost-update", {"write-skew", "G2-item"}},
      {"write-skew", {"G2"}},
  };
  return e;
}

// model -> the anomalies it proscribes directly (Elle's `direct-proscribed-anomalies`).
const Edges& proscribed() {
  static const Edges e = {
      {"causal-cerone", {"internal", "G1a"}},
      {"cursor-stability", {"G1", "G-cursor", "lost-update"}},
      {"monotonic-view", {"G1", "G-monotonic"}},
      {"monotonic-snapshot-read", {"G1", "G-MSR"}},
      {"consistent-view", {"G1", "G-single"}},
      {"forward-consistent-view", {"G1", "G-SIb"}},
      {"parallel-snapshot-isolation", {"internal", "G1a"}},
      {"serializable", {"G1", "G2", "predicate-read-miss", "PL-3-cycle-exists", "internal"}},
      {"read-committed", {"G1", "PL-2-cycle-exists"}},
      {"read-uncommitted", {"G0", "duplicate-elements", "cyclic-versions", "PL-1-cycle-exists"}},
      {"prefix", {"internal", "G1a"}},
      {"snapshot-isolation", {"internal", "G1", "G-SI", "G-nonadjacent", "PL-SI-cycle-exists"}},
      {"read-atomic", {"internal", "G1a", "future-read"}},
      {"repeatable-read", {"G1", "G2-item", "PL-2.99-cycle-exists", "lost-update"}},
      {"update-atomic", {"lost-update"}},
      {"strict-serializable", {"G1", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"}},
      {"strong-session-read-uncommitted", {"strong-session-PL-1-cycle-exists", "G0-process"}},
      {"strong-session-read-committed", {"strong-session-PL-2-cycle-exists", "G1c-process"}},
      {"strong-read-uncommitted", {"strong-PL-1-cycle-exists", "G0-realtime"}},
      {"strong-read-committed", {"strong-PL-2-cycle-exists", "G1c-realtime"}},
      {"strong-session-snapshot-isolation",
       {"internal", "G1-process", "G-nonadjacent-process",
        "strong-session-snapshot-isolation-cycle-exists"}},
      {"strong-snapshot-isolation",
       {"internal", "G1-realtime", "G-nonadjacent-realtime",
        "strong-snapshot-isolation-cycle-exists"}},
      {"strong-session-serializable",
       {"G1-process", "G2-process", "strong-session-serializable-cycle-exists"}},
      {"update-serializable", {"G1", "G-update"}},
  };
  return e;
}

constexpr std::size_t kMaxVertices = 256;  // the tables are far smaller; a guard on every walk

struct Graph {
  std::map<std::string, std::set<std::string>> out, in;
};

Graph build(const Edges& edges) {
  Graph g;
  for (const auto& [from, tos] : edges) {
    for (const char* to : tos) {
      g.out[from].insert(to);
      g.in[to].insert(from);
    }
  }
  return g;
}

const Graph& models() {
  static const Graph g = build(model_edges());
  return g;
}
const Graph& implications() {
  static const Graph g = build(anomaly_edges());
  return g;
}
const Graph& proscriptions() {
  static const Graph g = build(proscribed());
  return g;
}

// Everything reachable from `start` (included) along `adjacency`: breadth first, no recursion.
std::set<std::string> reach(const std::map<std::string, std::set<std::string>>& adjacency,
                            const std::set<std::string>& start) {
  std::set<std::string> seen = start;
  std::vector<std::string> queue(start.begin(), start.end());
  for (std::size_t i = 0; i < queue.size(); ++i) {
    if (queue.size() > kMaxVertices) throw std::logic_error("elle: model table walk too long");
    auto it = adjacency.find(queue[i]);
    if (it == adjacency.end()) continue;
    for (const std::string& next : it->second) {
      if (seen.insert(next).second) queue.push_back(next);
    }
  }
  return seen;
}

}  // namespace

std::vector<std::string> model_names() {
  std::set<std::string> names;
  for (const auto& [from, tos] : model_edges()) {
    names.insert(from);
    names.insert(tos.begin(), tos.end());
  }
  for (const auto& [model, anomalies] : proscribed()) names.insert(model);
  return {names.begin(), names.end()};
}

bool known_model(const std::string& model) {
  return models().out.count(model) != 0 || models().in.count(model) != 0 ||
         proscriptions().out.count(model) != 0;
}

std::string table_name(const std::string& anomaly) {
  static const std::map<std::string, std::string> item = {
      {"G-single", "G-single-item"},
      {"G-single-process", "G-single-item-process"},
      {"G-single-realtime", "G-single-item-realtime"},
      {"G-nonadjacent", "G-nonadjacent-item"},
      {"G-nonadjacent-process", "G-nonadjacent-item-process"},
      {"G-nonadjacent-realtime", "G-nonadjacent-item-realtime"},
      {"garbage-read", "G1a"},
  };
  auto it = item.find(anomaly);
  return it == item.end() ? anomaly : it->second;
}

std::vector<std::string> impossible_models(const std::set<std::string>& anomalies,
                                           bool elle_names) {
  std::set<std::string> start;
  for (const std::string& a : anomalies) start.insert(elle_names ? a : table_name(a));
  const std::set<std::string> implied = reach(implications().out, start);
  std::set<std::string> direct;
  for (const std::string& a : implied) {
    auto it = proscriptions().in.find(a);
    if (it != proscriptions().in.end()) direct.insert(it->second.begin(), it->second.end());
  }
  const std::set<std::string> all = reach(models().in, direct);
  return {all.begin(), all.end()};
}

Boundary boundary(const std::vector<std::string>& impossible) {
  const std::set<std::string> set(impossible.begin(), impossible.end());
  Boundary b;
  for (const std::string& m : impossible) {
    // m is among the weakest unless a model it implies is impossible too.
    std::set<std::string> below = reach(models().out, {m});
    below.erase(m);
    bool weakest = true;
    for (const std::string& x : below) weakest = weakest && set.count(x) == 0;
    (weakest ? b.not_models : b.also_not_models).push_back(m);
  }
  return b;
}

std::set<std::string> prohibited_anomalies(const std::vector<std::string>& ms) {
  for (const std::string& m : ms) {
    if (!known_model(m)) throw std::invalid_argument("elle: unknown consistency model " + m);
  }
  const std::set<std::string> implied = reach(models().out, {ms.begin(), ms.end()});
  std::set<std::string> direct;
  for (const std::string& m : implied) {
    auto it = proscriptions().out.find(m);
    if (it != proscriptions().out.end()) direct.insert(it->second.begin(), it->second.end());
  }
  return reach(implications().in, direct);
}

std::set<std::string> anomalies_implying(const std::vector<std::string>& anomalies) {
  return reach(implications().in, {anomalies.begin(), anomalies.end()});
}

bool implies(const std::string& a, const std::string& b) {
  return reach(implications().out, {table_name(a)}).count(table_name(b)) != 0;
}

bool rules_out(const std::string& anomaly, const std::string& model) {
  const auto ms = impossible_models({anomaly});
  return std::find(ms.begin(), ms.end(), model) != ms.end();
}

}  // namespace fl::checkers::elle
