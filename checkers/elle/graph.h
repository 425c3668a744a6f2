// A dependency graph between transactions with labelled edges (dependency kind and the key it
// was inferred on), strongly connected components over a subset of edge kinds (Tarjan,
// iterative: no recursion however long the history) and shortest paths inside a component (BFS).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace fl::checkers::elle {

enum class Dep : std::uint8_t { kWW, kWR, kRW, kProcess, kRealtime };
const char* to_string(Dep d);
using DepMask = std::uint8_t;
constexpr DepMask bit(Dep d) { return static_cast<DepMask>(1u << static_cast<unsigned>(d)); }
constexpr DepMask kDataDeps = bit(Dep::kWW) | bit(Dep::kWR) | bit(Dep::kRW);
constexpr DepMask kAllDeps = kDataDeps | bit(Dep::kProcess) | bit(Dep::kRealtime);
constexpr std::uint32_t kNoKey = UINT32_MAX;

struct Edge {
  std::uint32_t to;  // nodes are numbered below 2^32 (Graph's constructor checks)
  Dep dep;
  std::uint32_t key;  // Graph::key_name(key); kNoKey for process and real-time edges
};

// One step of a cycle: the node and the edge leaving it.
struct Step {
  std::size_t node;
  Edge edge;
};

class Graph {
 public:
  static constexpr std::size_t kMaxOutDegree = 1 << 16;  // edges beyond it are dropped (sound)
  explicit Graph(std::size_t nodes);
  std::uint32_t key_id(const std::string& key);
  const std::string& key_name(std::uint32_t id) const { return keys_[id]; }
  std::size_t key_count() const { return keys_.size(); }
  // Adds from -> to unless it is a self loop or already present with the same kind and key.
  void add(std::size_t from, std::size_t to, Dep dep, std::uint32_t key = kNoKey);
  std::size_t size() const { return out_.size(); }
  const std::vector<Edge>& out(std::size_t n) const { return out_[n]; }
  // Components (over edges in `mask`) with more than one node, each sorted, sorted by least node.
  // *comp_of gets each node's component number, or -1.
  std::vector<std::vector<std::size_t>> components(DepMask mask, std::vector<int>* comp_of) const;
  // A shortest path from `from` to `to` over `mask` edges inside `comp_of[from]`; empty if none
  // (or if from == to).
  std::vector<Step> path(std::size_t from, std::size_t to, DepMask mask,
                         const std::vector<int>& comp_of) const;

 private:
  std::vector<std::vector<Edge>> out_;
  std::vector<std::string> keys_;
  std::unordered_map<std::string, std::uint32_t> key_ids_;  // lookups only, never iterated
};

}  // namespace fl::checkers::elle
