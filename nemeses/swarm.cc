// The "swarm" composition (swarm testing): at the start of run() the seed enables a random
// non-empty subset of the candidate nemeses (each with probability 1/2; one at random if none
// was) and draws their parameters and the schedule's (interval and duration between a quarter
// and twice the configured means); then it runs that mix. describe() reports what was drawn.
// Options: "kinds" (candidate names; default every single-fault nemesis the port can inject,
// the others listed with the port's reason under "excluded"), "nodes" (targets for all), and
// interval_ms, duration_ms, max_faults.
#include "nemeses/check.h"
#include "nemeses/registry.h"
#include "nemeses/schedule.h"

namespace fl::nemeses {
namespace {

// Draws one nemesis' options (a JSON object its builder accepts).
nlohmann::json draw_options(const std::string& name, io::Random& r) {
  nlohmann::json o = nlohmann::json::object();
  const char* const counts[] = {"one", "minority", "majority"};
  if (name == "kill" || name == "pause" || name.rfind("clock", 0) == 0) {
    o["targets"] = counts[r.below(name == "kill" ? 2 : 3)];
  }
  if (name == "clock" || name == "clock-jump") o["max_offset_ms"] = r.between(100, 120000);
  if (name == "clock" || name == "clock-drift") o["max_drift_ppm"] = r.between(100, 100000);
  if (name.rfind("link", 0) == 0) o["links"] = r.one_in(2) ? "one" : "all";
  if (name == "link" || name == "link-loss") o["loss"] = 0.01 * r.between(1, 60);
  if (name == "link" || name == "link-duplicate") o["duplicate"] = 0.01 * r.between(1, 60);
  if (name == "link" || name == "link-delay") {
    o["delay_ms"] = r.between(1, 300);
    o["jitter_ms"] = r.between(0, 300);
  }
  return o;
}

class SwarmNemesis final : public Nemesis {
 public:
  SwarmNemesis(ScheduleOptions means, std::vector<std::string> kinds,
               std::vector<std::string> nodes)
      : means_(means), explicit_(std::move(kinds)), nodes_(std::move(nodes)) {}

  std::string name() const override { return "swarm"; }
  std::vector<FaultKind> kinds() const override { return kinds_of(explicit_); }
  void run(FaultPort& port, io::Random& random, std::int64_t until_ns,
           const Record& record) override {
    NEMESES_CHECK(refuse(port).empty());
    std::vector<std::string> candidates = explicit_;
    if (candidates.empty()) {
      for (const auto& e : fault_entries()) {
        const std::string why = refusal(port, e.name);
        if (why.empty()) candidates.push_back(e.name);
        if (!why.empty()) excluded_[e.name] = why;
      }
    }
    if (candidates.empty()) {
      record(nemesis_op(port, "start-swarm", {{"excluded", excluded_}},
                        "swarm: the port can inject none of the candidate faults"));
      return;
    }
    inner_ = draw(candidates, random);
    inner_->run(port, random, until_ns, record);
  }
  nlohmann::json describe() const override {
    nlohmann::json out = {{"name", "swarm"}, {"means", means_.describe()}};
    if (!explicit_.empty()) out["kinds"] = explicit_;
    if (!nodes_.empty()) out["nodes"] = nodes_;
    if (!excluded_.empty()) out["excluded"] = excluded_;
    if (!drew_.is_null()) out["drew"] = drew_;
    if (inner_) out["schedule"] = inner_->describe();
    return out;
  }

 protected:
  std::vector<std::string> named_nodes() const override { return nodes_; }

 private:
  std::vector<FaultKind> kinds_of(const std::vector<std::string>& names) const {
    std::vector<FaultKind> out;
    for (const auto& name : names) {
      Options o("swarm", nlohmann::json::object());
      for (FaultKind k : find_fault_entry(name)->build(o)->kinds()) out.push_back(k);
    }
    return out;
  }
  std::string refusal(const FaultPort& port, const std::string& name) const {
    for (FaultKind k : kinds_of({name})) {
      const std::string why = port.refuse(k);
      if (!why.empty()) return why;
    }
    return "";
  }
  std::unique_ptr<Nemesis> draw(const std::vector<std::string>& candidates, io::Random& r);

  ScheduleOptions means_;
  std::vector<std::string> explicit_;
  std::vector<std::string> nodes_;
  nlohmann::json excluded_ = nlohmann::json::object();
  nlohmann::json drew_;
  std::unique_ptr<Nemesis> inner_;
};

std::unique_ptr<Nemesis> SwarmNemesis::draw(const std::vector<std::string>& candidates,
                                            io::Random& r) {
  std::vector<std::string> enabled;
  for (const auto& c : candidates) {
    if (r.one_in(2)) enabled.push_back(c);
  }
  if (enabled.empty()) enabled.push_back(candidates[r.below(candidates.size())]);
  ScheduleOptions s = means_;
  s.interval_ms =
      r.between(std::max<std::int64_t>(1, means_.interval_ms / 4), means_.interval_ms * 2);
  s.duration_ms =
      r.between(std::max<std::int64_t>(1, means_.duration_ms / 4), means_.duration_ms * 2);
  drew_ = {{"enabled", enabled}, {"schedule", s.describe()}, {"options", nlohmann::json::object()}};
  std::vector<std::unique_ptr<Fault>> faults;
  for (const auto& name : enabled) {
    nlohmann::json o = draw_options(name, r);
    if (!nodes_.empty()) o["nodes"] = nodes_;
    drew_["options"][name] = o;
    Options reader("swarm '" + name + "'", o);
    faults.push_back(find_fault_entry(name)->build(reader));
    const std::string error = reader.finish();
    NEMESES_CHECK(error.empty());  // the draw only makes options its builders accept
  }
  return std::make_unique<ScheduleNemesis>("swarm", s, std::move(faults));
}

}  // namespace

std::unique_ptr<Nemesis> make_swarm(Options& options) {
  const ScheduleOptions means = ScheduleOptions::read(options);
  const std::vector<std::string> kinds = options.strings("kinds");
  for (const auto& k : kinds) {
    if (find_fault_entry(k) == nullptr) {
      options.fail("kinds",
                   "names of single-fault nemeses (" + fault_names() + "), got '" + k + "'");
      return nullptr;
    }
  }
  return std::make_unique<SwarmNemesis>(means, kinds, options.strings("nodes"));
}

}  // namespace fl::nemeses
