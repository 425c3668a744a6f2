// A dependency graph between transactions with labelled edges, strongly connected components
// (Tarjan, iterative: no recursion however long the history), and a shortest cycle through a
// node restricted to its component (BFS).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fl::checkers::elle {

enum class Dep : std::uint8_t { kWW, kWR, kRW, kProcess, kRealtime };
const char* to_string(Dep d);

struct Edge {
  std::size_t to;
  Dep dep;
};

class Graph {
 public:
  explicit Graph(std::size_t nodes) : out_(nodes) {}
  void add(std::size_t from, std::size_t to, Dep dep);
  std::size_t size() const { return out_.size(); }
  const std::vector<Edge>& out(std::size_t n) const { return out_[n]; }
  // Components with more than one node (or a self loop), each sorted, in order of their least node.
  std::vector<std::vector<std::size_t>> cycles_components() const;
  // The shortest cycle through `start` using only nodes with comp[n] == comp[start]; as a list
  // of (node, edge leaving it). Empty if none.
  std::vector<std::pair<std::size_t, Dep>> shortest_cycle(std::size_t start,
                                                          const std::vector<int>& comp) const;

 private:
  std::vector<std::vector<Edge>> out_;
};

}  // namespace fl::checkers::elle
