// The system lane: what a system recorded of its own state over time (results.json "lanes",
// written by a composition's compose::TimelineLog), drawn on the timeline's time axis under the
// run's nemesis intervals: one row per lane (e.g. one saga), bars coloured by outcome, markers
// where something ended, and each lane a problem names linked to that problem. Nothing here
// knows which system recorded the lanes.
#include <algorithm>

#include "reports/html.h"
#include "reports/svg.h"

namespace fl::reports {
namespace {

constexpr double kAxisH = 22, kLaneH = 11, kBarH = 8, kLabelW = 210, kGroupH = 16;
constexpr std::size_t kMaxLabelChars = 32;

bool is_time(const nlohmann::json& j) { return j.is_number_integer(); }

std::string text_of(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? truncate_text(j[key].get<std::string>(), 200) : "";
}

// Reads one lane; "" or why it is malformed. Counts events against *budget.
std::string parse_lane(const nlohmann::json& j, const std::string& group, std::size_t* budget,
                       SystemLane* lane) {
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) return "a lane has no name";
  lane->group = group;
  lane->name = truncate_text(j["name"].get<std::string>(), 200);
  if (j.contains("keys") && j["keys"].is_array()) {
    for (const auto& k : j["keys"]) {
      if (k.is_string() && !k.get<std::string>().empty())
        lane->keys.push_back(k.get<std::string>());
    }
  }
  for (const char* part : {"bars", "markers"}) {
    if (!j.contains(part)) continue;
    if (!j[part].is_array()) return "lane " + lane->name + ": " + part + " must be an array";
    for (const auto& e : j[part]) {
      if (*budget == 0) return "";
      --*budget;
      const bool bar = std::string(part) == "bars";
      if (!e.is_object() || !is_time(e.value(bar ? "from" : "at", nlohmann::json())) ||
          (bar && !is_time(e.value("to", nlohmann::json())))) {
        return "lane " + lane->name + ": a " +
               (bar ? "bar needs integer from and to" : "marker needs an integer at");
      }
      if (bar) {
        lane->bars.push_back({e["from"].get<std::int64_t>(),
                              std::max(e["from"].get<std::int64_t>(), e["to"].get<std::int64_t>()),
                              text_of(e, "label"), text_of(e, "outcome")});
      } else {
        lane->markers.push_back(
            {e["at"].get<std::int64_t>(), text_of(e, "label"), text_of(e, "outcome")});
      }
    }
  }
  return "";
}

void link_problems(RunData* run) {
  if (!run->results.contains("problems") || !run->results["problems"].is_array()) return;
  const auto& problems = run->results["problems"];
  for (SystemLane& lane : run->system_lanes) {
    for (std::size_t p = 0; p < problems.size() && lane.problem < 0; ++p) {
      if (!problems[p].is_string()) continue;
      const std::string& text = problems[p].get_ref<const std::string&>();
      for (const auto& key : lane.keys) {
        if (text.find(key) != std::string::npos) {
          lane.problem = static_cast<std::int64_t>(p);
          break;
        }
      }
    }
  }
}

std::string outcome_class(const std::string& outcome) {
  for (const char* known : {"ok", "fail", "compensated", "unknown", "running", "open"}) {
    if (outcome == known) return outcome;
  }
  return "other";
}

// Lanes to draw: every lane a problem names, then the rest in order, up to the limit.
std::vector<std::size_t> lanes_to_draw(const RunData& run) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < run.system_lanes.size(); ++i) {
    if (run.system_lanes[i].problem >= 0) order.push_back(i);
  }
  for (std::size_t i = 0; i < run.system_lanes.size(); ++i) {
    if (run.system_lanes[i].problem < 0) order.push_back(i);
  }
  if (order.size() > kMaxSystemLanesDrawn) order.resize(kMaxSystemLanesDrawn);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return run.system_lanes[a].group < run.system_lanes[b].group ||
           (run.system_lanes[a].group == run.system_lanes[b].group && a < b);
  });
  return order;
}

std::string lane_row(const RunData& run, const SystemLane& lane, std::size_t i, const Frame& fr,
                     double y) {
  std::string out = "<g class=\"slane" + std::string(lane.problem >= 0 ? " broken" : "") +
                    "\" id=\"lane-" + std::to_string(i) + "\">";
  for (const SystemBar& b : lane.bars) {
    const double x = fr.x(std::clamp(b.from_ns, run.t0_ns, run.t1_ns));
    const double w = std::max(fr.x(std::clamp(b.to_ns, run.t0_ns, run.t1_ns)) - x, 2.0);
    out += "<rect class=\"sbar " + outcome_class(b.outcome) + "\" x=\"" + fixed(x, 1) + "\" y=\"" +
           fixed(y + 1, 1) + "\" width=\"" + fixed(w, 1) + "\" height=\"" + fixed(kBarH, 0) +
           "\"><title>" +
           esc(lane.name + ": " + b.label + " \xE2\x86\x92 " + b.outcome + " (" +
               duration_text(b.from_ns - run.t0_ns) + " to " + duration_text(b.to_ns - run.t0_ns) +
               ")") +
           "</title></rect>";
  }
  for (const SystemMarker& m : lane.markers) {
    const double x = fr.x(std::clamp(m.at_ns, run.t0_ns, run.t1_ns));
    out += "<path class=\"smark " + outcome_class(m.outcome) + "\" d=\"M" + fixed(x, 1) + " " +
           fixed(y, 1) + "l4 " + fixed(kLaneH / 2, 1) + "l-4 " + fixed(kLaneH / 2, 1) + "l-4 -" +
           fixed(kLaneH / 2, 1) + "z\"><title>" +
           esc(lane.name + ": " + m.label + " at " + duration_text(m.at_ns - run.t0_ns)) +
           "</title></path>";
  }
  return out + "</g>";
}

std::string label(const SystemLane& lane, std::size_t i, double y) {
  std::string text = "<text class=\"slabel lanelabel\" x=\"4\" y=\"" + fixed(y + 9, 1) +
                     "\"><title>" + esc(lane.name) + "</title>" +
                     esc(truncate_text(lane.name, kMaxLabelChars)) + "</text>";
  if (lane.problem < 0) return text;
  return "<a class=\"lanelink\" id=\"lanelabel-" + std::to_string(i) + "\" href=\"#problem-" +
         std::to_string(lane.problem) + "\">" + text + "</a>";
}

}  // namespace

void parse_system_lanes(RunData* run) {
  const auto& r = run->results;
  if (!r.contains("lanes")) return;
  const auto& lanes = r["lanes"];
  std::string why;
  if (!lanes.is_object() || (lanes.contains("groups") && !lanes["groups"].is_array())) {
    why = "must be an object with a groups array";
  }
  std::size_t budget = kMaxSystemEventsRead;
  for (std::size_t g = 0; why.empty() && lanes.contains("groups") && g < lanes["groups"].size();
       ++g) {
    const auto& group = lanes["groups"][g];
    if (!group.is_object() || !group.contains("lanes") || !group["lanes"].is_array()) {
      why = "groups[" + std::to_string(g) + "] needs a lanes array";
      break;
    }
    const std::string name = text_of(group, "name");
    for (const auto& l : group["lanes"]) {
      if (run->system_lanes.size() >= kMaxSystemLanesRead || budget == 0) {
        ++run->system_lanes_dropped;
        continue;
      }
      SystemLane lane;
      why = parse_lane(l, name, &budget, &lane);
      if (!why.empty()) break;
      run->system_lanes.push_back(std::move(lane));
    }
  }
  if (!why.empty()) run->warnings.push_back("results.json lanes: " + why);
  if (lanes.is_object() && lanes.contains("dropped") && lanes["dropped"].is_number_unsigned()) {
    run->system_lanes_dropped += lanes["dropped"].get<std::size_t>();
  }
  link_problems(run);
}

std::string system_lanes_svg(const RunData& run, Notes* notes) {
  FL_REPORT_ASSERT(notes != nullptr);
  const std::vector<std::size_t> order = lanes_to_draw(run);
  const double width = timeline_width(run);
  const Frame fr{run.t0_ns, run.t1_ns, 8, width};
  std::size_t groups = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    groups += k == 0 || run.system_lanes[order[k]].group != run.system_lanes[order[k - 1]].group;
  }
  const double height = kAxisH + static_cast<double>(groups) * kGroupH +
                        static_cast<double>(order.size()) * kLaneH + 8;
  std::string labels = "<svg class=\"tl-labels\" width=\"" + fixed(kLabelW, 0) + "\" height=\"" +
                       fixed(height, 0) + "\">";
  std::string svg = "<svg class=\"tl-main system\" width=\"" + fixed(width + 16, 0) +
                    "\" height=\"" + fixed(height, 0) + "\">" + time_axis(run, fr, height) +
                    nemesis_bands(run, fr, kAxisH, height);
  double y = kAxisH;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const SystemLane& lane = run.system_lanes[order[k]];
    if (k == 0 || lane.group != run.system_lanes[order[k - 1]].group) {
      labels += "<text class=\"rowlabel\" x=\"4\" y=\"" + fixed(y + 12, 1) + "\">" +
                esc(lane.group) + "</text>";
      y += kGroupH;
    }
    labels += label(lane, order[k], y);
    svg += lane_row(run, lane, order[k], fr, y);
    y += kLaneH;
  }
  svg += "</svg>";
  labels += "</svg>";
  if (run.system_lanes.size() > order.size()) {
    notes->push_back("The system lanes show " + count_text(order.size()) + " of " +
                     count_text(run.system_lanes.size()) + " lanes (limit " +
                     count_text(kMaxSystemLanesDrawn) + "): every lane a problem names first.");
  }
  if (run.system_lanes_dropped > 0) {
    notes->push_back("The system's lane recorder or this report left out " +
                     count_text(run.system_lanes_dropped) + " lane events over their limits.");
  }
  return "<div class=\"tl\">" + labels + "<div class=\"tl-scroll\">" + svg + "</div></div>";
}

}  // namespace fl::reports
