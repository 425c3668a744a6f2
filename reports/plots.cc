// The latency scatter (invocation time against latency on a log scale, coloured by outcome) and
// the throughput plot (completions per second by outcome, in fixed time bins), both with the
// nemesis intervals shaded behind them.
#include <algorithm>
#include <array>
#include <cmath>

#include "reports/html.h"
#include "reports/svg.h"

namespace fl::reports {
namespace {

constexpr double kW = 1200, kH = 300, kLeft = 72, kRight = 16, kTop = 14, kBottom = 34;
constexpr std::int64_t kMinLatencyNs = 1'000;  // the log axis starts at 1 µs at the lowest
constexpr int kMaxDecades = 12;

const char* outcome(history::OpType t) {
  return t == history::OpType::kOk ? "ok" : t == history::OpType::kFail ? "fail" : "info";
}

std::string svg_open(const char* cls) {
  return std::string("<svg class=\"plot ") + cls + "\" viewBox=\"0 0 " + fixed(kW, 0) + " " +
         fixed(kH, 0) + "\" width=\"" + fixed(kW, 0) + "\" height=\"" + fixed(kH, 0) + "\">";
}

Frame plot_frame(const RunData& run) {
  return Frame{run.t0_ns, run.t1_ns, kLeft, kW - kLeft - kRight};
}

std::string time_axis(const RunData& run, const Frame& fr) {
  const std::int64_t range = run.t1_ns - run.t0_ns;
  const std::int64_t step = tick_step_ns(range, kMaxTicks);
  std::string out = "<g class=\"axis\">";
  for (std::int64_t off = 0; off <= range; off += step) {  // < kMaxTicks steps
    const std::string x = fixed(fr.x(run.t0_ns + off), 1);
    out += "<line class=\"grid\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + fixed(kTop, 0) +
           "\" y2=\"" + fixed(kH - kBottom + 4, 0) + "\"/><text x=\"" + x + "\" y=\"" +
           fixed(kH - kBottom + 16, 0) + "\">" + esc(tick_label(off, step)) + "</text>";
  }
  out += "<text class=\"axistitle\" x=\"" + fixed(kLeft + (kW - kLeft - kRight) / 2, 0) +
         "\" y=\"" + fixed(kH - 3, 0) + "\">time since the first operation</text>";
  return out + "</g>";
}

std::string y_tick(double y, const std::string& label) {
  const std::string ys = fixed(y, 1);
  return "<line class=\"grid\" x1=\"" + fixed(kLeft - 4, 0) + "\" x2=\"" + fixed(kW - kRight, 0) +
         "\" y1=\"" + ys + "\" y2=\"" + ys + "\"/><text class=\"ylabel\" x=\"" +
         fixed(kLeft - 6, 0) + "\" y=\"" + fixed(y + 4, 1) + "\">" + esc(label) + "</text>";
}

std::string legend(const std::vector<std::string>& classes) {
  std::string out = "<g class=\"legend\">";
  double x = kW - kRight - 70 * static_cast<double>(classes.size());
  for (const auto& c : classes) {
    out += "<rect class=\"key " + c + "\" x=\"" + fixed(x, 0) + "\" y=\"2\" width=\"10\" " +
           "height=\"10\"/><text x=\"" + fixed(x + 14, 0) + "\" y=\"11\">" + esc(c) + "</text>";
    x += 70;
  }
  return out + "</g>";
}

// "1 µs", "10 ms", "100 s" for 10^d ns.
std::string decade_label(int d) {
  static const char* const kUnits[] = {"ns", "\xC2\xB5s", "ms", "s"};
  const int unit = std::clamp(d / 3, 0, 3);
  std::string digits = "1";
  for (int k = 0; k < d - 3 * unit && k < 20; ++k) digits += '0';
  return digits + " " + kUnits[unit];
}

}  // namespace

std::string latency_svg(const RunData& run, Notes* notes) {
  FL_REPORT_ASSERT(notes != nullptr);
  const std::vector<std::size_t> points = sample_spans(run, kMaxScatterPoints, true);
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = kMinLatencyNs;
  std::size_t below = 0, completed = 0;
  for (const Span& s : run.spans) {
    if (!s.completed() || s.invoke_index < 0) continue;
    ++completed;
    lo = std::min(lo, std::max(s.latency_ns(), kMinLatencyNs));
    hi = std::max(hi, s.latency_ns());
  }
  if (completed == 0) lo = kMinLatencyNs;
  const int d0 = static_cast<int>(std::floor(std::log10(static_cast<double>(lo))));
  int d1 = static_cast<int>(std::ceil(std::log10(static_cast<double>(hi))));
  d1 = std::clamp(d1, d0 + 1, d0 + kMaxDecades);
  const double ph = kH - kTop - kBottom;
  auto y_of = [&](double ns) {
    const double f = (std::log10(std::max(ns, static_cast<double>(kMinLatencyNs))) - d0) /
                     static_cast<double>(d1 - d0);
    return kTop + ph * (1 - std::clamp(f, 0.0, 1.0));
  };
  const Frame fr = plot_frame(run);
  std::string svg =
      svg_open("latency") + nemesis_bands(run, fr, kTop, kH - kBottom) + time_axis(run, fr);
  for (int d = d0; d <= d1; ++d) {
    svg += y_tick(y_of(std::pow(10.0, d)), decade_label(d));
  }
  svg += "<g class=\"points\">";
  for (std::size_t i : points) {
    const Span& s = run.spans[i];
    if (s.latency_ns() < kMinLatencyNs) ++below;
    svg += "<circle class=\"pt " + std::string(outcome(s.end)) + "\" cx=\"" +
           fixed(fr.x(s.start_ns), 1) + "\" cy=\"" +
           fixed(y_of(static_cast<double>(s.latency_ns())), 1) + "\" r=\"2.2\"><title>" +
           esc("#" + std::to_string(s.id()) + " " + s.f + " " + outcome(s.end) + " " +
               duration_text(s.latency_ns())) +
           "</title></circle>";
  }
  svg += "</g>" + legend({"ok", "fail", "info"}) + "</svg>";
  if (points.size() < completed) {
    notes->push_back("The latency plot draws " + count_text(points.size()) + " of " +
                     count_text(completed) + " completed operations (limit " +
                     count_text(kMaxScatterPoints) + ").");
  }
  if (below > 0) {
    notes->push_back(count_text(below) +
                     " drawn operations took under 1 \xC2\xB5s (virtual time "
                     "may not advance): they sit on the plot's lowest line.");
  }
  return svg;
}

namespace {

// Bin width: one second, finer for short runs (at least 10 bins), coarser for long ones (at
// most kMaxThroughputBins).
std::int64_t bin_width_ns(std::int64_t range_ns) {
  static const std::int64_t kNice[] = {1'000'000,       10'000'000,        100'000'000,
                                       1'000'000'000,   10'000'000'000,    60'000'000'000,
                                       600'000'000'000, 3'600'000'000'000, 36'000'000'000'000};
  std::size_t k = 3;  // one second
  while (k > 0 && range_ns / kNice[k] < 10) --k;
  while (k + 1 < std::size(kNice) &&
         range_ns / kNice[k] >= static_cast<std::int64_t>(kMaxThroughputBins)) {
    ++k;
  }
  std::int64_t bin = kNice[k];
  if (range_ns / bin >= static_cast<std::int64_t>(kMaxThroughputBins)) {
    bin = range_ns / static_cast<std::int64_t>(kMaxThroughputBins) + 1;
  }
  return bin;
}

double nice_ceiling(double v) {
  double p = 1;
  for (int k = 0; k < 30 && p * 10 < v; ++k) p *= 10;  // p <= v < 10p (for v >= 1)
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (p * m >= v) return p * m;
  }
  return p * 10;
}

}  // namespace

std::string throughput_svg(const RunData& run, Notes* notes) {
  FL_REPORT_ASSERT(notes != nullptr);
  const std::int64_t range = run.t1_ns - run.t0_ns;
  const std::int64_t bin = bin_width_ns(range);
  const auto bins = static_cast<std::size_t>(range / bin + 1);
  FL_REPORT_ASSERT(bins <= kMaxThroughputBins + 1);
  std::array<std::vector<double>, 3> count;  // ok, fail, info
  for (auto& c : count) c.assign(bins, 0);
  for (const Span& s : run.spans) {  // every span, not a sample
    if (!s.completed()) continue;
    const int k = s.end == history::OpType::kOk ? 0 : s.end == history::OpType::kFail ? 1 : 2;
    count[k][static_cast<std::size_t>((s.end_ns - run.t0_ns) / bin)] += 1;
  }
  const double bin_s = static_cast<double>(bin) / 1e9;
  double peak = 1;
  for (auto& c : count) {
    for (double& v : c) peak = std::max(peak, v /= bin_s);  // now a rate per second
  }
  const double top = nice_ceiling(peak), ph = kH - kTop - kBottom;
  const Frame fr = plot_frame(run);
  std::string svg =
      svg_open("throughput") + nemesis_bands(run, fr, kTop, kH - kBottom) + time_axis(run, fr);
  for (int k = 0; k <= 4; ++k) {
    const double v = top * k / 4;
    svg += y_tick(kTop + ph * (1 - v / top), fixed(v, v < 10 && v != 0 ? 1 : 0) + "/s");
  }
  const char* names[] = {"ok", "fail", "info"};
  for (std::size_t k = 0; k < 3; ++k) {
    svg += "<polyline class=\"rate " + std::string(names[k]) + "\" points=\"";
    for (std::size_t b = 0; b < bins; ++b) {
      const std::int64_t mid = run.t0_ns + static_cast<std::int64_t>(b) * bin + bin / 2;
      svg += fixed(fr.x(mid), 1) + "," + fixed(kTop + ph * (1 - count[k][b] / top), 1) + " ";
    }
    svg += "\"/>";
  }
  svg += legend({"ok", "fail", "info"}) + "</svg>";
  notes->push_back(
      "Throughput counts every completed operation by its completion time, in bins "
      "of " +
      duration_text(bin) + ", as operations per second.");
  return svg;
}

}  // namespace fl::reports
