// Link faults. Fault model: on the links between target nodes (one random pair, or every pair
// of candidates), messages are lost with probability `loss`, duplicated with probability
// `duplicate`, and delayed by `delay_ms` plus a uniform jitter up to `jitter_ms`. Registered as
// link-loss, link-duplicate and link-delay (each with its own default) and link (all options).
// stop() heals the network.
#include "nemeses/check.h"
#include "nemeses/fault.h"

namespace fl::nemeses {
namespace {

constexpr std::int64_t kNsPerMs = 1000 * 1000;
constexpr std::int64_t kMaxDelayMs = 60 * 1000;

class LinkFault final : public Fault {
 public:
  LinkFault(std::vector<std::string> nodes, std::string links, LinkFaults faults)
      : nodes_(std::move(nodes)), links_(std::move(links)), faults_(faults) {}

  std::string kind() const override { return to_string(FaultKind::kLinkFaults); }
  std::vector<FaultKind> kinds() const override { return {FaultKind::kLinkFaults}; }
  nlohmann::json start(FaultPort& port, io::Random& random, std::string* error) override {
    const std::vector<std::string> all = shuffled(nodes_.empty() ? port.nodes() : nodes_, random);
    nlohmann::json pairs = nlohmann::json::array();
    if (all.size() < 2) {
      *error = "link faults need two nodes";
      return {{"pairs", pairs}};
    }
    const std::size_t n = links_ == "all" ? all.size() : 2;
    std::string errors;
    std::size_t in_force = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        const std::string e = port.set_link_faults(all[i], all[j], faults_);
        in_force += e.empty() ? 1 : 0;
        append_error(&errors, e);
        pairs.push_back({all[i], all[j]});
      }
    }
    if (in_force == 0) *error = errors;
    nlohmann::json value = describe();
    value["pairs"] = pairs;
    if (in_force > 0 && !errors.empty()) value["partial_error"] = errors;
    return value;
  }
  nlohmann::json stop(FaultPort& port, std::string* error) override {
    *error = port.heal_network();
    return nlohmann::json::object();
  }
  nlohmann::json describe() const override {
    nlohmann::json out = {{"fault", "link"},
                          {"links", links_},
                          {"loss", faults_.loss},
                          {"duplicate", faults_.duplicate},
                          {"delay_ms", faults_.delay_ns / kNsPerMs},
                          {"jitter_ms", faults_.jitter_ns / kNsPerMs}};
    if (!nodes_.empty()) out["nodes"] = nodes_;
    return out;
  }
  std::vector<std::string> only_nodes() const override { return nodes_; }

 private:
  std::vector<std::string> nodes_;
  std::string links_;
  LinkFaults faults_;
};

}  // namespace

std::unique_ptr<Fault> make_link(Options& options, const std::string& what) {
  NEMESES_CHECK(what == "loss" || what == "duplicate" || what == "delay" || what == "all");
  std::vector<std::string> nodes = options.strings("nodes");
  const std::string links = options.choice("links", "one", {"one", "all"});
  LinkFaults f;
  if (what == "loss" || what == "all") f.loss = options.number("loss", 0.2, 0, 1);
  if (what == "duplicate" || what == "all") f.duplicate = options.number("duplicate", 0.2, 0, 1);
  if (what == "delay" || what == "all") {
    f.delay_ns = options.integer("delay_ms", what == "delay" ? 50 : 0, 0, kMaxDelayMs) * kNsPerMs;
    f.jitter_ns = options.integer("jitter_ms", what == "delay" ? 50 : 0, 0, kMaxDelayMs) * kNsPerMs;
  }
  if (what == "all" && f.loss == 0 && f.duplicate == 0 && f.delay_ns == 0 && f.jitter_ns == 0) {
    options.fail("loss", "at least one of loss, duplicate, delay_ms, jitter_ms above 0");
  }
  return std::make_unique<LinkFault>(std::move(nodes), links, f);
}

}  // namespace fl::nemeses
