#include "nemeses/fault.h"

#include "nemeses/check.h"

namespace fl::nemeses {

Targets Targets::read(Options& options, const std::string& fallback_count) {
  Targets t;
  t.nodes = options.strings("nodes");
  t.count = options.choice("targets", fallback_count, {"one", "minority", "majority", "all"});
  return t;
}

std::vector<std::string> Targets::candidates(const FaultPort& port) const {
  return nodes.empty() ? port.nodes() : nodes;
}

std::vector<std::string> Targets::pick(const FaultPort& port, io::Random& random) const {
  std::vector<std::string> all = shuffled(candidates(port), random);
  const std::size_t n = all.size();
  if (n == 0) return all;
  std::size_t k = 1;
  if (count == "minority") k = n <= 2 ? 1 : (n - 1) / 2;
  if (count == "majority") k = n / 2 + 1;
  if (count == "all") k = n;
  NEMESES_CHECK(k >= 1 && k <= n);
  all.resize(k);
  return all;
}

nlohmann::json Targets::describe() const {
  nlohmann::json out = {{"targets", count}};
  if (!nodes.empty()) out["nodes"] = nodes;
  return out;
}

std::vector<std::string> shuffled(std::vector<std::string> items, io::Random& random) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t j = random.below(i);
    std::swap(items[i - 1], items[j]);
  }
  return items;
}

void append_error(std::string* errors, const std::string& error) {
  if (error.empty()) return;
  if (!errors->empty()) *errors += "; ";
  *errors += error;
}

}  // namespace fl::nemeses
