// Partition faults. Fault model: the network between the target nodes is cut into groups, in
// one of five shapes (Jepsen's partitioners):
//  - halves: the nodes, shuffled, split into two halves (two-way partition);
//  - isolate: one node cut off from all the others;
//  - ring ("majorities ring"): nodes on a shuffled ring each see themselves and their nearest
//    neighbours, just enough to see a majority, and no two nodes see the same majority;
//  - bridge: two halves that cannot talk, and one bridge node that talks to both;
//  - one-way: messages from one node to another are dropped; the reverse still flows.
// Ring and bridge are not groups (reachability is not transitive), so they are built from
// one-way blocks in both directions after healing the network. stop() heals the network.
#include <algorithm>

#include "nemeses/check.h"
#include "nemeses/fault.h"

namespace fl::nemeses {
namespace {

using Grudge = std::vector<std::pair<std::string, std::string>>;  // directed blocked links

class PartitionFault final : public Fault {
 public:
  PartitionFault(std::string shape, std::vector<std::string> nodes)
      : shape_(std::move(shape)), nodes_(std::move(nodes)) {}

  std::string kind() const override {
    return shape_ == "one-way" ? to_string(FaultKind::kOneWay) : to_string(FaultKind::kPartition);
  }
  std::vector<FaultKind> kinds() const override {
    if (shape_ == "halves" || shape_ == "isolate") return {FaultKind::kPartition};
    if (shape_ == "one-way") return {FaultKind::kOneWay};
    return {FaultKind::kPartition, FaultKind::kOneWay};
  }
  nlohmann::json start(FaultPort& port, io::Random& random, std::string* error) override {
    std::vector<std::string> all = shuffled(nodes_.empty() ? port.nodes() : nodes_, random);
    const std::size_t n = all.size();
    const std::size_t need = shape_ == "ring" ? 4 : shape_ == "bridge" ? 3 : 2;
    nlohmann::json value = {{"shape", shape_}};
    if (n < need) {
      *error = "partition " + shape_ + " needs at least " + std::to_string(need) + " nodes, got " +
               std::to_string(n);
      return value;
    }
    if (shape_ == "halves" || shape_ == "isolate") {
      const std::size_t cut = shape_ == "halves" ? n / 2 : 1;
      std::vector<std::vector<std::string>> groups(2);
      groups[0].assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(cut));
      groups[1].assign(all.begin() + static_cast<std::ptrdiff_t>(cut), all.end());
      value["groups"] = groups;
      *error = port.partition(groups);
      return value;
    }
    const Grudge grudge = shape_ == "ring"     ? ring(all)
                          : shape_ == "bridge" ? bridge(all, &value)
                                               : Grudge{{all[0], all[1]}};
    if (shape_ == "ring") value["ring"] = all;
    nlohmann::json blocked = nlohmann::json::array();
    if (shape_ != "one-way") append_error(error, port.heal_network());
    for (const auto& [from, to] : grudge) {
      append_error(error, port.block_one_way(from, to));
      blocked.push_back({from, to});
    }
    value["blocked"] = blocked;
    return value;
  }
  nlohmann::json stop(FaultPort& port, std::string* error) override {
    *error = port.heal_network();
    return {{"shape", shape_}};
  }
  nlohmann::json describe() const override {
    nlohmann::json out = {{"fault", "partition"}, {"shape", shape_}};
    if (!nodes_.empty()) out["nodes"] = nodes_;
    return out;
  }
  std::vector<std::string> only_nodes() const override { return nodes_; }

 private:
  // Each node sees the k nearest on either side, 2k + 1 >= a majority.
  static Grudge ring(const std::vector<std::string>& all) {
    const std::size_t n = all.size();
    const std::size_t majority = n / 2 + 1;
    const std::size_t k = majority / 2;  // 2k + 1 >= majority
    NEMESES_CHECK(2 * k + 1 >= majority);
    Grudge out;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t d = std::min((i + n - j) % n, (j + n - i) % n);
        if (d > k) out.push_back({all[i], all[j]});
      }
    }
    return out;
  }
  // all[0] is the bridge; the rest split into halves that cannot talk.
  static Grudge bridge(const std::vector<std::string>& all, nlohmann::json* value) {
    const std::size_t half = 1 + (all.size() - 1) / 2;
    Grudge out;
    for (std::size_t i = 1; i < all.size(); ++i) {
      for (std::size_t j = 1; j < all.size(); ++j) {
        if ((i < half) != (j < half)) out.push_back({all[i], all[j]});
      }
    }
    (*value)["bridge"] = all[0];
    return out;
  }

  std::string shape_;
  std::vector<std::string> nodes_;
};

}  // namespace

std::unique_ptr<Fault> make_partition(Options& options, const std::string& shape) {
  NEMESES_CHECK(shape == "halves" || shape == "isolate" || shape == "ring" || shape == "bridge" ||
                shape == "one-way");
  return std::make_unique<PartitionFault>(shape, options.strings("nodes"));
}

}  // namespace fl::nemeses
