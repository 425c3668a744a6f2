// The report's inline SVG pictures: the timeline (one lane per process, nemesis intervals
// shaded), the latency scatter and the throughput plot. Each renderer is bounded by a named limit
// and says in its Notes what it left out, so the page can tell the reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reports/run_data.h"

namespace fl::reports {

constexpr std::size_t kMaxOpsDrawn = 20'000;       // timeline bars
constexpr std::size_t kMaxScatterPoints = 20'000;  // latency points
constexpr std::size_t kMaxLanes = 200;             // more processes share lanes
constexpr std::size_t kMaxThroughputBins = 600;
constexpr std::size_t kMaxNemesisDrawn = 2'000;  // nemesis intervals drawn
constexpr std::size_t kMaxNemesisRows = 6;       // label rows above the lanes
constexpr std::size_t kMaxTicks = 16;
constexpr double kTimelineWidthMax = 12'000;

// What a renderer left out or changed, in sentences for the page.
using Notes = std::vector<std::string>;

// Maps a time range onto [x0, x0 + width].
struct Frame {
  std::int64_t t0_ns = 0, t1_ns = 1;
  double x0 = 0, width = 1;
  double x(std::int64_t t_ns) const;
};

// A "nice" tick step (1, 2 or 5 times a power of ten, in ns) giving fewer than max_ticks ticks.
std::int64_t tick_step_ns(std::int64_t range_ns, std::size_t max_ticks);
// Axis label for a time offset, with precision suited to the step.
std::string tick_label(std::int64_t offset_ns, std::int64_t step_ns);

// Spans to draw within `budget`: every anomalous span, then failed/indeterminate ones (at least
// half of what is left), then ok ones, each class thinned evenly if it does not fit. Sorted span
// indexes.
std::vector<std::size_t> sample_spans(const RunData& run, std::size_t budget, bool completed_only);

// Fill colour of a nemesis kind (stable: by order of first appearance).
std::string nemesis_colour(const RunData& run, const std::string& kind);

// The nemesis intervals as shaded bands over [y0, y1] (for the plots), with titles.
std::string nemesis_bands(const RunData& run, const Frame& frame, double y0, double y1);

std::string timeline_svg(const RunData& run, Notes* notes);
std::string latency_svg(const RunData& run, Notes* notes);
std::string throughput_svg(const RunData& run, Notes* notes);
// Time ticks and grid lines over [0, height] (labels in the top 22 px).
std::string time_axis(const RunData& run, const Frame& frame, double height);
// The timeline's drawing width for this run (so other pictures can share its time axis).
double timeline_width(const RunData& run);
// The system's lanes (run.system_lanes) on the timeline's time axis, under the nemesis bands.
constexpr std::size_t kMaxSystemLanesDrawn = 400;
std::string system_lanes_svg(const RunData& run, Notes* notes);

}  // namespace fl::reports
