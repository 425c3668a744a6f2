// Shared pieces of the SVG renderers: time frames, ticks, sampling, nemesis colours and bands.
#include <algorithm>

#include "reports/html.h"
#include "reports/svg.h"

namespace fl::reports {
namespace {

const char* const kPalette[] = {"#7b68ee", "#ff8c00", "#20b2aa", "#c71585", "#6b8e23",
                                "#4682b4", "#b8860b", "#9932cc", "#cd5c5c", "#2f4f4f"};
constexpr std::size_t kPaletteSize = sizeof kPalette / sizeof kPalette[0];

// Appends an even selection of `from` to `to`: all of it if it fits, else exactly `budget`
// items spread evenly (the i-th taken is from[i * size / budget]).
void take_evenly(const std::vector<std::size_t>& from, std::size_t budget,
                 std::vector<std::size_t>* to) {
  if (from.size() <= budget) {
    to->insert(to->end(), from.begin(), from.end());
    return;
  }
  for (std::size_t i = 0; i < budget; ++i) to->push_back(from[i * from.size() / budget]);
}

}  // namespace

double Frame::x(std::int64_t t_ns) const {
  FL_REPORT_ASSERT(t1_ns > t0_ns);
  const double f = static_cast<double>(t_ns - t0_ns) / static_cast<double>(t1_ns - t0_ns);
  return x0 + std::clamp(f, 0.0, 1.0) * width;
}

std::int64_t tick_step_ns(std::int64_t range_ns, std::size_t max_ticks) {
  FL_REPORT_ASSERT(range_ns > 0 && max_ticks >= 2);
  std::int64_t step = 1;
  for (int k = 0; k < 19; ++k) {  // 1 ns .. 10^18 ns
    for (std::int64_t m : {1, 2, 5}) {
      if (range_ns / (step * m) < static_cast<std::int64_t>(max_ticks)) return step * m;
    }
    step *= 10;
  }
  return step;
}

std::string tick_label(std::int64_t offset_ns, std::int64_t step_ns) {
  const double v = static_cast<double>(offset_ns);
  if (step_ns >= 1'000'000'000) return fixed(v / 1e9, 0) + " s";
  if (step_ns >= 100'000'000) return fixed(v / 1e9, 1) + " s";
  if (step_ns >= 10'000'000) return fixed(v / 1e9, 2) + " s";
  if (step_ns >= 1'000'000) return fixed(v / 1e6, 0) + " ms";
  if (step_ns >= 1'000) return fixed(v / 1e3, 0) + " \xC2\xB5s";
  return std::to_string(offset_ns) + " ns";
}

std::vector<std::size_t> sample_spans(const RunData& run, std::size_t budget, bool completed_only) {
  std::vector<std::size_t> anomalous, unusual, ok;
  for (std::size_t i = 0; i < run.spans.size(); ++i) {
    const Span& s = run.spans[i];
    if (completed_only && (!s.completed() || s.invoke_index < 0)) continue;
    if (s.anomalous) {
      anomalous.push_back(i);
    } else if (s.end != history::OpType::kOk) {
      unusual.push_back(i);
    } else {
      ok.push_back(i);
    }
  }
  std::vector<std::size_t> out;
  take_evenly(anomalous, budget, &out);
  // Failed and indeterminate operations get at least half of what is left, so a sample still
  // shows what most operations did.
  const std::size_t left = budget - out.size();
  const std::size_t quota = std::max(left / 2, left > ok.size() ? left - ok.size() : 0);
  take_evenly(unusual, quota, &out);
  take_evenly(ok, budget - out.size(), &out);
  std::sort(out.begin(), out.end());
  FL_REPORT_ASSERT(out.size() <= budget);
  return out;
}

std::string nemesis_colour(const RunData& run, const std::string& kind) {
  std::vector<std::string> seen;  // kinds in order of first appearance
  for (const auto& n : run.nemesis) {
    if (std::find(seen.begin(), seen.end(), n.kind) == seen.end()) seen.push_back(n.kind);
    if (n.kind == kind) break;
    if (seen.size() > kPaletteSize) break;
  }
  const auto it = std::find(seen.begin(), seen.end(), kind);
  const std::size_t k = static_cast<std::size_t>(it - seen.begin());
  return kPalette[k % kPaletteSize];
}

std::string nemesis_bands(const RunData& run, const Frame& frame, double y0, double y1) {
  std::string out = "<g class=\"bands\">";
  for (std::size_t i = 0; i < run.nemesis.size() && i < kMaxNemesisDrawn; ++i) {
    const NemesisInterval& n = run.nemesis[i];
    const double x = frame.x(n.start_ns);
    const double w = std::max(frame.x(n.end_ns) - x, 1.0);
    out += "<rect class=\"band\" x=\"" + fixed(x, 1) + "\" y=\"" + fixed(y0, 1) + "\" width=\"" +
           fixed(w, 1) + "\" height=\"" + fixed(y1 - y0, 1) + "\" fill=\"" +
           nemesis_colour(run, n.kind) + "\"><title>" + esc(n.kind + " " + n.targets) +
           "</title></rect>";
  }
  for (std::size_t i = 0; i < run.heal_ns.size() && i < kMaxNemesisDrawn; ++i) {
    const std::int64_t t = run.heal_ns[i];
    const std::string x = fixed(frame.x(t), 1);
    out += "<line class=\"heal\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + fixed(y0, 1) +
           "\" y2=\"" + fixed(y1, 1) + "\"><title>heal-all</title></line>";
  }
  return out + "</g>";
}

}  // namespace fl::reports
