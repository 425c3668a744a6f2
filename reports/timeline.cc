// The timeline: one lane per process, each operation a bar from invocation to completion
// coloured by outcome (info and never-completed ones open-ended: they may take effect at any
// later time), nemesis intervals shaded across all lanes with labels in rows above them, heal-all
// as a vertical line. Bars carry ids "op-<index>" so anomalies can link to them.
#include <algorithm>

#include "reports/html.h"
#include "reports/svg.h"

namespace fl::reports {
namespace {

constexpr double kAxisH = 22, kRowH = 16, kLaneH = 16, kBarH = 10, kLabelW = 92;
constexpr double kMinWidth = 1100, kPxPerOp = 4, kCharW = 6.5;
constexpr std::size_t kMaxProcessesInTitle = 20;

struct Lanes {
  bool packed = false;                               // more processes than lanes
  std::map<std::int64_t, std::size_t> lane_of;       // process -> lane
  std::vector<std::vector<std::int64_t>> processes;  // lane -> its processes
};

// One lane per process; beyond kMaxLanes processes, a process takes the first lane that is free
// when it starts (so lanes hold processes that did not overlap, as Jepsen's threads do).
Lanes assign_lanes(const RunData& run) {
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> extent;  // first start, last end
  for (const Span& s : run.spans) {
    // A process is done with its last completion, info included (it is never reused); only a
    // never-completed operation holds its lane to the end.
    const std::int64_t end = s.completed() ? s.end_ns : run.t1_ns;
    auto [it, fresh] = extent.emplace(s.process, std::make_pair(s.start_ns, end));
    if (!fresh) it->second.second = std::max(it->second.second, end);
  }
  Lanes lanes;
  const bool packed = extent.size() > kMaxLanes;
  lanes.packed = packed;
  std::vector<std::pair<std::int64_t, std::int64_t>> order;  // (first start, process)
  for (const auto& [p, e] : extent) order.emplace_back(packed ? e.first : 0, p);
  std::sort(order.begin(), order.end());
  std::vector<std::int64_t> free_at;
  for (const auto& [start, p] : order) {
    std::size_t lane = free_at.size();
    for (std::size_t l = 0; packed && l < free_at.size(); ++l) {
      if (free_at[l] <= start) {
        lane = l;
        break;
      }
    }
    if (lane == free_at.size() && lane >= kMaxLanes) {
      lane = static_cast<std::size_t>(std::min_element(free_at.begin(), free_at.end()) -
                                      free_at.begin());
    }
    if (lane == free_at.size()) {
      free_at.push_back(0);
      lanes.processes.emplace_back();
    }
    free_at[lane] = std::max(free_at[lane], extent[p].second);
    lanes.processes[lane].push_back(p);
    lanes.lane_of[p] = lane;
  }
  FL_REPORT_ASSERT(lanes.processes.size() <= kMaxLanes);
  return lanes;
}

std::string span_title(const RunData& run, const Span& s) {
  std::string t = "#" + std::to_string(s.id()) + " p" + std::to_string(s.process) + " " + s.f;
  if (!s.invoke_value->is_null()) t += " " + json_text(*s.invoke_value, 80);
  if (s.completed()) {
    t += std::string(" \xE2\x86\x92 ") + history::to_string(s.end);
    if (!s.end_value->is_null()) t += " " + json_text(*s.end_value, 80);
    if (!s.error.empty()) t += " (" + truncate_text(s.error, 80) + ")";
    t += " in " + duration_text(s.latency_ns());
  } else {
    t += " \xE2\x86\x92 never completed";
  }
  return t + " at " + duration_text(s.start_ns - run.t0_ns);
}

const char* outcome_class(const Span& s) {
  switch (s.end) {
    case history::OpType::kOk:
      return "ok";
    case history::OpType::kFail:
      return "fail";
    case history::OpType::kInfo:
      return "info";
    case history::OpType::kInvoke:
      return "pending";
  }
  return "pending";
}

std::string bar(const RunData& run, const Span& s, const Frame& fr, double y, bool open_tail) {
  const double x = fr.x(s.start_ns);
  const double w = std::max(fr.x(s.end_ns) - x, 2.0);
  std::string out = "<rect id=\"op-" + std::to_string(s.id()) + "\" class=\"op " +
                    outcome_class(s) + (s.anomalous ? " anom" : "") + "\" x=\"" + fixed(x, 1) +
                    "\" y=\"" + fixed(y, 1) + "\" width=\"" + fixed(w, 1) + "\" height=\"" +
                    fixed(kBarH, 0) + "\"><title>" + esc(span_title(run, s)) + "</title></rect>";
  if (open_tail && (s.end == history::OpType::kInfo || s.end == history::OpType::kInvoke)) {
    const std::string ym = fixed(y + kBarH / 2, 1);
    out += "<line class=\"open\" x1=\"" + fixed(x + w, 1) + "\" x2=\"" +
           fixed(fr.x0 + fr.width, 1) + "\" y1=\"" + ym + "\" y2=\"" + ym + "\"/>";
  }
  return out;
}

// Assigns label rows so that labels do not overlap; returns the row of each drawn interval.
std::vector<std::size_t> nemesis_rows(const RunData& run, const Frame& fr, std::size_t* rows) {
  std::vector<double> row_end;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < run.nemesis.size() && i < kMaxNemesisDrawn; ++i) {
    const NemesisInterval& n = run.nemesis[i];
    const double x = fr.x(n.start_ns);
    const double end = std::max(fr.x(n.end_ns), x + kCharW * static_cast<double>(n.kind.size()));
    std::size_t r = 0;
    while (r < row_end.size() && row_end[r] > x) ++r;  // bounded by kMaxNemesisRows below
    if (r == row_end.size()) {
      if (row_end.size() < kMaxNemesisRows) {
        row_end.push_back(0);
      } else {
        r = kMaxNemesisRows - 1;
      }
    }
    row_end[r] = std::max(row_end[r], end + 4);
    out.push_back(r);
  }
  *rows = row_end.size();
  return out;
}

std::string axis(const RunData& run, const Frame& fr, double height) {
  const std::int64_t range = run.t1_ns - run.t0_ns;
  const auto max_ticks = static_cast<std::size_t>(std::max(2.0, fr.width / 90));
  const std::int64_t step = tick_step_ns(range, max_ticks);
  std::string out = "<g class=\"axis\">";
  for (std::int64_t off = 0; off <= range; off += step) {  // < max_ticks steps
    const std::string x = fixed(fr.x(run.t0_ns + off), 1);
    out += "<line class=\"grid\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + fixed(kAxisH - 6, 0) +
           "\" y2=\"" + fixed(height, 0) + "\"/><text x=\"" + x + "\" y=\"12\">" +
           esc(tick_label(off, step)) + "</text>";
  }
  return out + "</g>";
}

}  // namespace

std::string time_axis(const RunData& run, const Frame& frame, double height) {
  return axis(run, frame, height);
}

namespace {

std::string nemesis_layer(const RunData& run, const Frame& fr, double height, Notes* notes) {
  std::size_t rows = 0;
  const std::vector<std::size_t> row = nemesis_rows(run, fr, &rows);
  std::string out = "<g class=\"nemesis\">";
  for (std::size_t i = 0; i < row.size(); ++i) {
    const NemesisInterval& n = run.nemesis[i];
    const double x = fr.x(n.start_ns), w = std::max(fr.x(n.end_ns) - x, 2.0);
    const double y = kAxisH + static_cast<double>(row[i]) * kRowH;
    const std::string colour = nemesis_colour(run, n.kind);
    // The label shows the targets too when the band is wide enough for them.
    const auto room = static_cast<std::size_t>(std::max(0.0, (w - 6) / kCharW));
    const std::string label =
        n.targets.empty() || room <= n.kind.size() + 4
            ? truncate_text(n.kind, 40)
            : truncate_text(n.kind + " " + n.targets, std::max(room, n.kind.size()));
    const std::string title = n.kind + (n.targets.empty() ? "" : " " + n.targets) + " from " +
                              duration_text(n.start_ns - run.t0_ns) + " to " +
                              duration_text(n.end_ns - run.t0_ns) + " (ended by " +
                              (n.ended_by.empty() ? "?" : n.ended_by) + ")";
    out += "<g class=\"nem\" id=\"nem-" + std::to_string(n.start_index) + "\"><title>" +
           esc(title) + "</title><rect class=\"band\" x=\"" + fixed(x, 1) + "\" y=\"" +
           fixed(y, 1) + "\" width=\"" + fixed(w, 1) + "\" height=\"" + fixed(height - y, 1) +
           "\" fill=\"" + colour + "\"/><rect class=\"bandrow\" x=\"" + fixed(x, 1) + "\" y=\"" +
           fixed(y + 1, 1) + "\" width=\"" + fixed(w, 1) + "\" height=\"" + fixed(kRowH - 2, 0) +
           "\" fill=\"" + colour + "\"/><text class=\"nlabel\" x=\"" + fixed(x + 3, 1) + "\" y=\"" +
           fixed(y + 12, 1) + "\">" + esc(label) + "</text></g>";
  }
  for (std::size_t i = 0; i < run.heal_ns.size() && i < kMaxNemesisDrawn; ++i) {
    const std::string x = fixed(fr.x(run.heal_ns[i]), 1);
    out += "<g class=\"heal\"><title>heal-all at " +
           esc(duration_text(run.heal_ns[i] - run.t0_ns)) + "</title><line x1=\"" + x + "\" x2=\"" +
           x + "\" y1=\"" + fixed(kAxisH, 0) + "\" y2=\"" + fixed(height, 0) + "\"/><text x=\"" +
           x + "\" y=\"" + fixed(height - 2, 0) + "\">heal</text></g>";
  }
  if (run.nemesis.size() > kMaxNemesisDrawn) {
    notes->push_back("Drew the first " + count_text(kMaxNemesisDrawn) + " of " +
                     count_text(run.nemesis.size()) + " nemesis intervals.");
  }
  return out + "</g>";
}

std::string lane_labels(const Lanes& lanes, double lanes_y0, double height, std::size_t rows) {
  std::string out = "<svg class=\"tl-labels\" width=\"" + fixed(kLabelW, 0) + "\" height=\"" +
                    fixed(height, 0) + "\">";
  if (rows > 0) {
    out += "<text class=\"rowlabel\" x=\"4\" y=\"" + fixed(kAxisH + 12, 0) + "\">nemesis</text>";
  }
  for (std::size_t l = 0; l < lanes.processes.size(); ++l) {
    const auto& ps = lanes.processes[l];
    std::string label = "p" + std::to_string(ps.front());
    std::string title = "process " + std::to_string(ps.front());
    if (ps.size() > 1) {
      label += " +" + std::to_string(ps.size() - 1);
      title = "processes";
      for (std::size_t k = 0; k < ps.size() && k < kMaxProcessesInTitle; ++k) {
        title += " " + std::to_string(ps[k]);
      }
      if (ps.size() > kMaxProcessesInTitle) title += " \xE2\x80\xA6";
    }
    out += "<text class=\"lanelabel\" x=\"4\" y=\"" +
           fixed(lanes_y0 + static_cast<double>(l) * kLaneH + 12, 1) + "\"><title>" + esc(title) +
           "</title>" + esc(label) + "</text>";
  }
  return out + "</svg>";
}

double width_for(const Lanes& lanes, const RunData& run, const std::vector<std::size_t>& drawn) {
  std::vector<std::size_t> per_lane(lanes.processes.size(), 0);
  for (std::size_t i : drawn) ++per_lane[lanes.lane_of.at(run.spans[i].process)];
  const std::size_t busiest =
      per_lane.empty() ? 0 : *std::max_element(per_lane.begin(), per_lane.end());
  return std::clamp(static_cast<double>(busiest) * kPxPerOp, kMinWidth, kTimelineWidthMax);
}

}  // namespace

double timeline_width(const RunData& run) {
  return width_for(assign_lanes(run), run, sample_spans(run, kMaxOpsDrawn, false));
}

std::string timeline_svg(const RunData& run, Notes* notes) {
  FL_REPORT_ASSERT(notes != nullptr);
  const Lanes lanes = assign_lanes(run);
  const std::vector<std::size_t> drawn = sample_spans(run, kMaxOpsDrawn, false);
  const double width = width_for(lanes, run, drawn);
  const Frame fr{run.t0_ns, run.t1_ns, 8, width};
  std::size_t rows = 0;
  nemesis_rows(run, fr, &rows);
  const double lanes_y0 = kAxisH + static_cast<double>(rows) * kRowH + 4;
  const double height = lanes_y0 + static_cast<double>(lanes.processes.size()) * kLaneH + 16;
  std::string svg = "<svg class=\"tl-main\" width=\"" + fixed(width + 16, 0) + "\" height=\"" +
                    fixed(height, 0) + "\">";
  for (std::size_t l = 0; l < lanes.processes.size(); ++l) {
    svg += "<rect class=\"lane" + std::string(l % 2 ? " odd" : "") + "\" data-process=\"" +
           std::to_string(lanes.processes[l].front()) + "\" x=\"0\" y=\"" +
           fixed(lanes_y0 + static_cast<double>(l) * kLaneH, 1) + "\" width=\"" +
           fixed(width + 16, 0) + "\" height=\"" + fixed(kLaneH, 0) + "\"/>";
  }
  svg += axis(run, fr, height) + nemesis_layer(run, fr, height, notes) + "<g class=\"ops\">";
  for (std::size_t i : drawn) {
    const Span& s = run.spans[i];
    const double y = lanes_y0 + static_cast<double>(lanes.lane_of.at(s.process)) * kLaneH + 3;
    svg += bar(run, s, fr, y, !lanes.packed);
  }
  svg += "</g></svg>";
  if (drawn.size() < run.spans.size()) {
    notes->push_back("The timeline draws " + count_text(drawn.size()) + " of " +
                     count_text(run.spans.size()) + " operations (limit " +
                     count_text(kMaxOpsDrawn) +
                     "): all those named by anomalies, then an even sample of the failed and "
                     "indeterminate ones (at least half of the rest) and of the ok ones.");
  }
  if (lanes.lane_of.size() > kMaxLanes) {
    notes->push_back(count_text(lanes.lane_of.size()) + " processes share " +
                     count_text(kMaxLanes) +
                     " lanes at most (limit): a process takes a lane that is "
                     "free when it starts; hover a lane label for its processes. Indeterminate "
                     "operations are not extended to the end of the timeline here.");
  }
  return "<div class=\"tl\">" + lane_labels(lanes, lanes_y0, height, rows) +
         "<div class=\"tl-scroll\">" + svg + "</div></div>";
}

}  // namespace fl::reports
