#include "compose/timeline.h"

#include <algorithm>

#include "system/io/assert.h"

namespace fl::compose {

TimelineLog::Lane* TimelineLog::lane_for(const std::string& group, const std::string& lane) {
  if (!now_ns_) return nullptr;
  last_ns_ = std::max(last_ns_, now_ns_());
  auto it = lanes_.find(lane);
  if (it == lanes_.end()) {
    if (lanes_.size() >= kMaxLanes) {
      ++dropped_;
      return nullptr;
    }
    it = lanes_.emplace(lane, Lane{group, {}, {}, {}}).first;
    order_.push_back(lane);
  }
  if (it->second.bars.size() + it->second.markers.size() >= kMaxEventsPerLane) {
    ++dropped_;
    return nullptr;
  }
  return &it->second;
}

void TimelineLog::begin(const std::string& group, const std::string& lane, const std::string& label,
                        const std::string& previous_outcome) {
  Lane* l = lane_for(group, lane);
  if (l == nullptr) return;
  if (!l->bars.empty() && l->bars.back().to < 0) {
    l->bars.back().to = last_ns_;
    l->bars.back().outcome = previous_outcome;
  }
  l->bars.push_back({last_ns_, -1, label, ""});
}

void TimelineLog::end(const std::string& lane, const std::string& outcome) {
  auto it = lanes_.find(lane);
  if (!now_ns_ || it == lanes_.end()) return;
  last_ns_ = std::max(last_ns_, now_ns_());
  Bar* open = it->second.bars.empty() ? nullptr : &it->second.bars.back();
  if (open != nullptr && open->to < 0) {
    open->to = last_ns_;
    open->outcome = outcome;
  }
}

void TimelineLog::mark(const std::string& group, const std::string& lane, const std::string& label,
                       const std::string& outcome) {
  Lane* l = lane_for(group, lane);
  if (l != nullptr) l->markers.push_back({last_ns_, label, outcome});
}

void TimelineLog::add_key(const std::string& lane, const std::string& key) {
  auto it = lanes_.find(lane);
  if (it == lanes_.end() || it->second.keys.size() >= kMaxKeysPerLane) return;
  auto& keys = it->second.keys;
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
}

nlohmann::json TimelineLog::to_json() const {
  std::vector<std::string> groups;
  std::map<std::string, nlohmann::json> lanes_of;
  for (const auto& name : order_) {
    const Lane& l = lanes_.at(name);
    if (!lanes_of.count(l.group)) {
      groups.push_back(l.group);
      lanes_of[l.group] = nlohmann::json::array();
    }
    nlohmann::json bars = nlohmann::json::array(), markers = nlohmann::json::array();
    for (const Bar& b : l.bars) {
      FL_ASSERT(b.to < 0 || b.to >= b.from);
      bars.push_back({{"from", b.from},
                      {"to", b.to < 0 ? last_ns_ : b.to},
                      {"label", b.label},
                      {"outcome", b.to < 0 ? "open" : b.outcome}});
    }
    for (const Marker& m : l.markers) {
      markers.push_back({{"at", m.at}, {"label", m.label}, {"outcome", m.outcome}});
    }
    lanes_of[l.group].push_back(
        {{"name", name}, {"keys", l.keys}, {"bars", bars}, {"markers", markers}});
  }
  nlohmann::json out = {{"groups", nlohmann::json::array()}, {"dropped", dropped_}};
  for (const auto& g : groups) out["groups"].push_back({{"name", g}, {"lanes", lanes_of[g]}});
  return out;
}

}  // namespace fl::compose
