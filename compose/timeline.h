// A system's lanes in the run report's timeline: what a composition records of its system's state
// over time (for sagas: each saga's steps and compensations), drawn by reports/ under the nemesis
// intervals without reports/ knowing any system. A composition makes one TimelineLog per run,
// hands it to its nodes (NodePlan::run_state) and lists it in Topology::timelines; the harness
// gives it the history's clock before the run (so bars share the history's time axis, whatever
// clock faults do to the nodes' own clocks) and writes to_json() into results.json "lanes".
//
// Model: a lane (one row, e.g. one saga) belongs to a group (e.g. "sagas"); it holds bars (from
// begin() to the next begin() or end() on the lane, coloured by outcome) and markers (an instant).
// Outcomes are free words; reports/ colours "ok", "fail", "compensated", "unknown", "running"
// and greys the rest. A lane's `key` (e.g. the saga id) links it to the run's problems that
// mention it. Simulation only: in real mode the nodes are other processes and record nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fl::compose {

class TimelineLog {
 public:
  static constexpr std::size_t kMaxLanes = 5'000;
  static constexpr std::size_t kMaxEventsPerLane = 200;
  static constexpr std::size_t kMaxKeysPerLane = 4;

  // The time source (the history's clock); until set, nothing is recorded.
  void set_clock(std::function<std::int64_t()> now_ns) { now_ns_ = std::move(now_ns); }

  // Starts a bar `label` on `lane` now, ending the lane's open bar with `previous_outcome`.
  void begin(const std::string& group, const std::string& lane, const std::string& label,
             const std::string& previous_outcome);
  // Ends the lane's open bar (if any) now with `outcome`.
  void end(const std::string& lane, const std::string& outcome);
  // A marker on the lane now.
  void mark(const std::string& group, const std::string& lane, const std::string& label,
            const std::string& outcome);
  // Adds a text the run's problems may contain that names this lane (e.g. an id), for links.
  void add_key(const std::string& lane, const std::string& key);

  // {"groups": [{"name", "lanes": [{"name", "keys": [..], "bars": [{"from", "to", "label",
  //  "outcome"}], "markers": [{"at", "label", "outcome"}]}]}], "dropped": N}, lanes in order of
  // first appearance; an open bar ends at the last time recorded, outcome "open".
  nlohmann::json to_json() const;

 private:
  struct Bar {
    std::int64_t from = 0, to = -1;  // -1: still open
    std::string label, outcome;
  };
  struct Marker {
    std::int64_t at = 0;
    std::string label, outcome;
  };
  struct Lane {
    std::string group;
    std::vector<std::string> keys;
    std::vector<Bar> bars;
    std::vector<Marker> markers;
  };
  Lane* lane_for(const std::string& group, const std::string& lane);

  std::function<std::int64_t()> now_ns_;
  std::map<std::string, Lane> lanes_;
  std::vector<std::string> order_;  // lane names by first appearance
  std::int64_t last_ns_ = 0;
  std::size_t dropped_ = 0;
};

}  // namespace fl::compose
