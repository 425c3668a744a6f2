// The shrink diff page, <run-dir>/shrink.html: the original failing run beside the smallest
// reproduction `faultline shrink` found (from <run-dir>/shrink.json), so that a reader sees what
// mattered: the knobs shrink turned down, the faults, clients, operations and keys left, and the
// failing checks and anomaly classes both runs share. One self-contained file, like report.html.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "reports/html.h"
#include "reports/page.h"
#include "reports/report.h"
#include "reports/shrink/diff.h"
#include "reports/svg.h"

namespace fl::reports {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxShrinkJsonBytes = 16u << 20;
constexpr std::size_t kMaxOverviewOps = 4'000;  // operations drawn per run in the overview
constexpr std::size_t kStripLanes = 10;         // the overview's operation rows per run
constexpr double kLabelW = 150, kPlotW = 1000, kAxisH = 22, kRowH = 14, kLaneH = 3;

std::string read_shrink_json(const fs::path& dir, nlohmann::json* out) {
  const fs::path path = dir / "shrink.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return path.string() + ": not found (no shrink of this run yet: run `faultline shrink " +
           dir.string() + "` first)";
  }
  const auto size = fs::file_size(path, ec);
  if (ec || size > kMaxShrinkJsonBytes) return path.string() + ": unreadable or too large";
  std::ifstream in(path);
  *out = nlohmann::json::parse(in, nullptr, false);
  if (!out->is_object() || !out->contains("knobs") || !(*out)["knobs"].is_array()) {
    return path.string() + ": not a shrink.json (an object with \"knobs\" expected)";
  }
  return "";
}

// The smallest run's directory relative to the original's: shrink.json "run_subdir" (written
// since shrink pages exist), else the "shrink/<n>" that ends "run_dir", else the original itself.
std::string smallest_subdir(const nlohmann::json& shrink, std::string* error) {
  if (shrink.contains("run_subdir")) {
    const fs::path sub = shrink["run_subdir"].is_string() ? shrink["run_subdir"].get<std::string>()
                                                          : std::string("/");
    bool bad = sub.empty() || sub.is_absolute();
    for (const auto& part : sub) bad = bad || part == "..";
    if (bad) *error = "\"run_subdir\" must be a relative path inside the run directory";
    return sub.generic_string();
  }
  const fs::path run = shrink.value("run_dir", std::string());
  if (run.has_parent_path() && run.parent_path().filename() == "shrink") {
    return "shrink/" + run.filename().string();
  }
  return ".";
}

std::string load_modelled(const std::string& dir, RunData* run) {
  std::string error = load_run(dir, nullptr, run);
  if (!error.empty()) return error;
  build_model(run);
  return "";
}

// One run's block of the overview: a row per fault kind with its intervals, then the client
// operations on kStripLanes thin rows (anomalous ones outlined). Returns its height.
double overview_block(const RunData& run, const std::string& label, const Frame& frame, double y,
                      std::string* out) {
  std::vector<std::string> kinds;
  for (const auto& n : run.nemesis) {
    if (std::find(kinds.begin(), kinds.end(), n.kind) == kinds.end()) kinds.push_back(n.kind);
  }
  *out += "<text class=\"lanelabel\" x=\"4\" y=\"" + fixed(y + 11, 1) + "\" font-weight=\"700\">" +
          esc(label) + "</text>";
  for (std::size_t k = 0; k < kinds.size() && k < kMaxNemesisRows; ++k) {
    const double ry = y + kRowH * static_cast<double>(k + 1);
    *out += "<text class=\"rowlabel\" x=\"12\" y=\"" + fixed(ry + 10, 1) + "\">" +
            esc(truncate_text(kinds[k], 22)) + "</text>";
    for (std::size_t i = 0; i < run.nemesis.size() && i < kMaxNemesisDrawn; ++i) {
      const NemesisInterval& n = run.nemesis[i];
      if (n.kind != kinds[k]) continue;
      const double x = frame.x(n.start_ns), w = std::max(frame.x(n.end_ns) - x, 2.0);
      *out += "<rect class=\"fault\" x=\"" + fixed(x, 1) + "\" y=\"" + fixed(ry + 2, 1) +
              "\" width=\"" + fixed(w, 1) + "\" height=\"10\" fill=\"" +
              nemesis_colour(run, n.kind) + "\"><title>" + esc(n.kind + " " + n.targets) +
              "</title></rect>";
    }
  }
  const double strip = y + kRowH * static_cast<double>(std::min(kinds.size(), kMaxNemesisRows) + 1);
  std::map<std::int64_t, std::size_t> lane;
  for (std::size_t i : sample_spans(run, kMaxOverviewOps, false)) {
    const Span& s = run.spans[i];
    const std::size_t l = lane.emplace(s.process, lane.size()).first->second % kStripLanes;
    const double x = frame.x(s.start_ns), w = std::max(frame.x(s.end_ns) - x, 1.5);
    const char* cls = s.end == history::OpType::kOk     ? "ok"
                      : s.end == history::OpType::kFail ? "fail"
                      : s.end == history::OpType::kInfo ? "info"
                                                        : "pending";
    *out += "<rect class=\"op " + std::string(cls) + (s.anomalous ? " anom" : "") + "\" x=\"" +
            fixed(x, 1) + "\" y=\"" + fixed(strip + kLaneH * 1.4 * static_cast<double>(l), 1) +
            "\" width=\"" + fixed(w, 1) + "\" height=\"" + fixed(kLaneH, 1) + "\"/>";
  }
  *out += "<text class=\"rowlabel\" x=\"12\" y=\"" + fixed(strip + 12, 1) + "\">operations</text>";
  return strip + kLaneH * 1.4 * kStripLanes + 10 - y;
}

// Both runs on one time scale (each from its own start), so the smaller one looks smaller.
std::string overview_svg(const RunData& a, const RunData& b) {
  const std::int64_t span_ns = std::max<std::int64_t>(
      {a.have_history ? a.t1_ns - a.t0_ns : 1, b.have_history ? b.t1_ns - b.t0_ns : 1, 1});
  const Frame fa{a.t0_ns, a.t0_ns + span_ns, kLabelW, kPlotW};
  const Frame fb{b.t0_ns, b.t0_ns + span_ns, kLabelW, kPlotW};
  std::string body;
  double y = kAxisH;
  y += overview_block(a, "original", fa, y, &body);
  y += overview_block(b, "smallest", fb, y, &body);
  const std::int64_t step = tick_step_ns(span_ns, kMaxTicks);
  std::string axis = "<g class=\"axis\">";
  for (std::int64_t t = 0; t <= span_ns; t += step) {
    const std::string x = fixed(fa.x(a.t0_ns + t), 1);
    axis += "<line class=\"grid\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"18\" y2=\"" + fixed(y, 1) +
            "\"/><text x=\"" + x + "\" y=\"13\">" + esc(tick_label(t, step)) + "</text>";
  }
  return "<svg class=\"plot overview\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         fixed(kLabelW + kPlotW + 10, 0) + "\" height=\"" + fixed(y, 0) + "\">" + axis + "</g>" +
         body + "</svg>";
}

std::string fault_list(const RunData& run, const char* title) {
  std::string out = std::string("<div class=\"card\"><h3>") + title + "</h3>";
  if (run.nemesis.empty()) return out + "<p><i>no faults</i></p></div>";
  out +=
      "<table class=\"faults\"><tr><th>kind</th><th>targets</th><th>from</th><th>to</th>"
      "<th>ended by</th></tr>";
  for (std::size_t i = 0; i < run.nemesis.size() && i < kMaxDiffRows; ++i) {
    const NemesisInterval& n = run.nemesis[i];
    out += "<tr><td>" + esc(n.kind) + "</td><td>" + esc(n.targets) + "</td><td>" +
           esc(duration_text(n.start_ns - run.t0_ns)) + "</td><td>" +
           esc(duration_text(n.end_ns - run.t0_ns)) + "</td><td>" + esc(n.ended_by) + "</td></tr>";
  }
  if (run.nemesis.size() > kMaxDiffRows) {
    out += "<tr><td colspan=\"5\">\xE2\x80\xA6 " + count_text(run.nemesis.size() - kMaxDiffRows) +
           " more</td></tr>";
  }
  return out + "</table></div>";
}

std::string steps_html(const nlohmann::json& shrink) {
  const nlohmann::json steps = shrink.value("steps", nlohmann::json::array());
  std::string out =
      "<table class=\"steps\" id=\"steps-table\"><tr><th>run</th><th>--set tried</th>"
      "<th>result</th><th>failing checks</th><th>kept</th></tr>";
  for (std::size_t i = 0; steps.is_array() && i < steps.size() && i < kMaxDiffRows; ++i) {
    const nlohmann::json& s = steps[i];
    if (!s.is_object()) continue;
    const nlohmann::json trial = s.value("trial", nlohmann::json::object());
    const bool kept = s.value("kept", false);
    const std::string result = trial.is_object() ? trial.value("result", std::string("?")) : "?";
    out += "<tr class=\"" + std::string(kept ? "kept" : "dropped") + "\"><td class=\"n\">" +
           std::to_string(i + 1) + "</td><td>" + json_tables(s.value("set", nlohmann::json())) +
           "</td><td><span class=\"verdict " + verdict_class(result) + "\">" + esc(result) +
           "</span></td><td>" +
           json_tables(trial.is_object() ? trial.value("failing_checkers", nlohmann::json())
                                         : nlohmann::json()) +
           "</td><td>" + (kept ? "kept" : "not the same failure") + "</td></tr>";
  }
  return out + "</table>";
}

const std::string& shrink_script() {
  static const std::string kJs = R"JS(
(function () {
  var b = document.getElementById('toggle-same');
  b.addEventListener('click', function () {
    document.body.classList.toggle('hide-same');
    b.textContent = document.body.classList.contains('hide-same') ? 'show unchanged rows'
                                                                  : 'hide unchanged rows';
  });
  document.body.setAttribute('data-script', 'ready');
})();
)JS";
  return kJs;
}

std::string header(const nlohmann::json& shrink, const RunData& a, const std::string& sub) {
  const std::string scenario = a.results.contains("scenario")
                                   ? json_text(a.results["scenario"], 200)
                                   : json_text(shrink.value("scenario", nlohmann::json()), 200);
  const std::string seed =
      json_text(shrink.value("seed", a.results.value("seed", nlohmann::json())), 40);
  std::string out = "<header><h1>" + esc(scenario) + " \xC2\xB7 seed " + esc(seed) +
                    " \xC2\xB7 shrunk</h1><div class=\"meta\"><span>runs <b>" +
                    esc(json_text(shrink.value("runs", nlohmann::json()), 20)) + " of " +
                    esc(json_text(shrink.value("budget", nlohmann::json()), 20)) + "</b>" +
                    (shrink.value("budget_exhausted", false) ? " (budget spent)" : "") +
                    "</span><span>run directory <b>" + esc(a.dir) + "</b></span></div>";
  out += "<div class=\"repro\">smallest reproduction: <code id=\"reproduce\">" +
         esc(json_text(shrink.value("command", nlohmann::json()), 2000)) + "</code></div>";
  out +=
      "<nav><a href=\"#diff\">What mattered</a><a href=\"#knobs-section\">Knobs</a>"
      "<a href=\"#faults\">Faults &amp; operations</a><a href=\"#checks\">Checks</a>"
      "<a href=\"#steps\">Steps</a><a id=\"origlink\" href=\"report.html\">original's report"
      "</a><a id=\"smalllink\" href=\"" +
      url_path(sub + "/report.html") + "\">smallest's report</a></nav></header>";
  return out;
}

std::string render(const nlohmann::json& shrink, const RunData& a, const RunData& b,
                   const std::string& sub) {
  const RunFacts fa = run_facts(a), fb = run_facts(b);
  const std::string scenario = json_text(shrink.value("scenario", nlohmann::json()), 200);
  std::string page = page_open(scenario + " shrunk \xE2\x80\x94 faultline");
  page += header(shrink, a, sub) + "<main>";
  page +=
      "<section id=\"diff\"><h2>What mattered</h2><p class=\"legendrow\">The original "
      "failing run beside the smallest run shrink found that fails the same way (same seed, "
      "same failing checks, a shared anomaly class); rows that differ are marked. "
      "<button id=\"toggle-same\" type=\"button\">hide unchanged rows</button></p>" +
      diff_table_html(fa, fb) + "</section>";
  if (sub == ".") {
    page +=
        "<p class=\"missing\" id=\"nothing-smaller\">Shrink found nothing smaller: both "
        "columns are the original run.</p>";
  }
  page += "<section id=\"knobs-section\"><h2>What shrink changed</h2>" + knobs_html(shrink) +
          "</section>";
  page +=
      "<section id=\"faults\"><h2>Faults and operations</h2><div class=\"legendrow\">both "
      "runs on one time scale; a row per fault kind, then the client operations"
      "<span class=\"sw\" style=\"background:#43a047\"></span>ok"
      "<span class=\"sw\" style=\"background:#e53935\"></span>fail"
      "<span class=\"sw\" style=\"background:#fb8c00\"></span>info"
      "<span class=\"sw\" style=\"border:2px solid #8e24aa\"></span>named by an anomaly"
      "</div>" +
      overview_svg(a, b) + "<div class=\"cards\">" + fault_list(a, "original's faults") +
      fault_list(b, "smallest's faults") + "</div>" + "<h3>Operations per function</h3>" +
      ops_diff_html(fa, fb) + "</section>";
  page += "<section id=\"checks\"><h2>Checks</h2>" + checks_diff_html(a, b) + "</section>";
  page += "<section id=\"steps\"><h2>Steps of the search</h2>" + steps_html(shrink) +
          "</section></main><script>" + shrink_script() + "</script></body></html>\n";
  return page;
}

}  // namespace

std::string write_shrink_page(const std::string& run_dir) {
  nlohmann::json shrink;
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) return run_dir + ": not a directory";
  std::string error = read_shrink_json(run_dir, &shrink);
  if (!error.empty()) return error;
  const std::string sub = smallest_subdir(shrink, &error);
  if (!error.empty()) return (fs::path(run_dir) / "shrink.json").string() + ": " + error;
  RunData original, smallest;
  error = load_modelled(run_dir, &original);
  if (error.empty()) error = load_modelled((fs::path(run_dir) / sub).string(), &smallest);
  if (!error.empty()) return error;
  return write_file_atomically(fs::path(run_dir) / "shrink.html",
                               render(shrink, original, smallest, sub));
}

}  // namespace fl::reports
