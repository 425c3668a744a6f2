#include "nemeses/registry.h"

#include <algorithm>

#include "nemeses/schedule.h"

namespace fl::nemeses {
namespace {

template <const char* kShape>
std::unique_ptr<Fault> partition(Options& o) {
  return make_partition(o, kShape);
}
constexpr char kHalves[] = "halves", kIsolate[] = "isolate", kRing[] = "ring", kBridge[] = "bridge",
               kOneWay[] = "one-way";
constexpr char kLoss[] = "loss", kDuplicate[] = "duplicate", kDelay[] = "delay", kAll[] = "all";
template <const char* kWhat>
std::unique_ptr<Fault> link(Options& o) {
  return make_link(o, kWhat);
}

}  // namespace

const std::vector<FaultEntry>& fault_entries() {
  static const std::vector<FaultEntry> kEntries = {
      {"clock", "wall clocks jump and drift", [](Options& o) { return make_clock(o, true, true); }},
      {"clock-drift", "wall clocks run fast or slow",
       [](Options& o) { return make_clock(o, false, true); }},
      {"clock-jump", "wall clocks jump forwards or backwards (offset)",
       [](Options& o) { return make_clock(o, true, false); }},
      {"kill", "kill -9 nodes, restart them later", [](Options& o) { return make_kill(o, false); }},
      {"link", "loss, duplication and delay on links", link<kAll>},
      {"link-delay", "delay and jitter on links", link<kDelay>},
      {"link-duplicate", "duplicated messages on links", link<kDuplicate>},
      {"link-loss", "lost messages on links", link<kLoss>},
      {"lose-unsynced", "power loss of a node: unsynced writes are lost",
       [](Options& o) { return make_kill(o, true); }},
      {"partition-bridge", "two halves joined only through one bridge node", partition<kBridge>},
      {"partition-halves", "two-way partition into random halves", partition<kHalves>},
      {"partition-isolate", "one node cut off from the others", partition<kIsolate>},
      {"partition-one-way", "messages from one node to another dropped", partition<kOneWay>},
      {"partition-ring", "majorities ring: each node sees a different majority", partition<kRing>},
      {"pause", "SIGSTOP nodes, SIGCONT them later", [](Options& o) { return make_pause(o); }},
  };
  return kEntries;
}

const FaultEntry* find_fault_entry(const std::string& name) {
  for (const auto& e : fault_entries()) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

std::string fault_names() {
  std::string out;
  for (const auto& e : fault_entries()) out += (out.empty() ? "" : "|") + std::string(e.name);
  return out;
}

std::unique_ptr<Nemesis> make_nemesis(const std::string& name, const nlohmann::json& options,
                                      std::string* error) {
  Options o("nemesis '" + name + "'", options);
  std::unique_ptr<Nemesis> out;
  if (name == "mix") {
    out = make_mix(o);
  } else if (name == "swarm") {
    out = make_swarm(o);
  } else if (const FaultEntry* e = find_fault_entry(name)) {
    const ScheduleOptions schedule = ScheduleOptions::read(o);
    std::vector<std::unique_ptr<Fault>> faults;
    faults.push_back(e->build(o));
    out = std::make_unique<ScheduleNemesis>(name, schedule, std::move(faults));
  } else {
    *error = "unknown nemesis '" + name + "' (known: " + fault_names() + "|mix|swarm)";
    return nullptr;
  }
  *error = o.finish();
  if (!error->empty()) return nullptr;
  return out;
}

std::vector<NemesisInfo> nemesis_catalog() {
  std::vector<NemesisInfo> out;
  for (const auto& e : fault_entries()) out.push_back({e.name, e.description});
  out.push_back({"mix", "a composition: each fault drawn from the nemeses listed in \"of\""});
  out.push_back({"swarm",
                 "the seed enables a random non-empty subset of faults and draws "
                 "their parameters"});
  std::sort(out.begin(), out.end(),
            [](const NemesisInfo& a, const NemesisInfo& b) { return a.name < b.name; });
  return out;
}

std::string Nemesis::refuse(const FaultPort& port) const {
  for (FaultKind kind : kinds()) {
    const std::string why = port.refuse(kind);
    if (!why.empty()) {
      return "nemesis '" + name() + "' cannot run here: fault '" + to_string(kind) +
             "' is refused: " + why;
    }
  }
  const std::vector<std::string> known = port.nodes();
  for (const auto& node : named_nodes()) {
    if (std::find(known.begin(), known.end(), node) == known.end()) {
      return "nemesis '" + name() + "' names node '" + node + "', which is not a fault target";
    }
  }
  return "";
}

}  // namespace fl::nemeses
