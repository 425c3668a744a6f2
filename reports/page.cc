// The run report's sections other than the pictures: header, summary, trace and notes.
#include "reports/page.h"

#include <filesystem>

#include "reports/html.h"

namespace fl::reports {
namespace {

constexpr std::size_t kMaxFieldChars = 2000;
constexpr std::size_t kMaxProblemsShown = 200;

// A results.json field as text ("" when absent): strings as they are, the rest as JSON.
std::string field(const RunData& run, const char* key) {
  if (!run.results.contains(key)) return "";
  return json_text(run.results[key], kMaxFieldChars);
}

struct Counts {
  std::size_t ok = 0, fail = 0, info = 0, pending = 0;
  std::size_t processes = 0;
};

Counts count_spans(const RunData& run) {
  Counts c;
  std::map<std::int64_t, bool> seen;
  for (const Span& s : run.spans) {
    seen[s.process] = true;
    switch (s.end) {
      case history::OpType::kOk:
        ++c.ok;
        break;
      case history::OpType::kFail:
        ++c.fail;
        break;
      case history::OpType::kInfo:
        ++c.info;
        break;
      case history::OpType::kInvoke:
        ++c.pending;
        break;
    }
  }
  c.processes = seen.size();
  return c;
}

}  // namespace

std::string verdict_class(const std::string& verdict) {
  if (verdict == "pass" || verdict == "fail" || verdict == "unknown") return verdict;
  return "other";
}

std::string header_html(const RunData& run) {
  const std::string scenario = field(run, "scenario"), verdict = field(run, "result");
  std::string repro = field(run, "reproduce");
  std::string out = "<header><h1>" + esc(scenario.empty() ? "(unnamed scenario)" : scenario) +
                    " \xC2\xB7 seed " + esc(field(run, "seed")) + " <span class=\"verdict " +
                    verdict_class(verdict) + "\">" + esc(verdict.empty() ? "no verdict" : verdict) +
                    "</span></h1><div class=\"meta\">";
  out += "<span>mode <b>" + esc(field(run, "mode")) + "</b></span>";
  out += "<span>trace hash <b>" + esc(field(run, "trace_hash")) + "</b></span>";
  out += "<span>run directory <b>" + esc(run.dir) + "</b></span></div>";
  if (repro.empty() && !scenario.empty()) {
    repro = "faultline run " + scenario + " --seed " + field(run, "seed") +
            (run.results.contains("mode") ? " --mode " + field(run, "mode") : "");
  }
  out += "<div class=\"repro\">reproduce: <code id=\"reproduce\">" + esc(repro) + "</code></div>";
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(run.dir) / "shrink.html", ec)) {
    out +=
        "<div class=\"repro\">shrunk: <a id=\"shrinklink\" href=\"shrink.html\">the smallest "
        "reproduction beside this run</a></div>";
  }
  out += "<nav><a href=\"#summary\">Summary</a><a href=\"#timeline\">Timeline</a>";
  if (run.have_history) {
    if (!run.system_lanes.empty()) out += "<a href=\"#system\">System</a>";
    out += "<a href=\"#latency\">Latency</a><a href=\"#throughput\">Throughput</a>";
  }
  out +=
      "<a href=\"#anomalies\">Checks &amp; anomalies</a><a href=\"#trace\">Trace</a>"
      "<a href=\"#notes\">Notes</a></nav></header>";
  return out;
}

std::string summary_html(const RunData& run) {
  std::string out = "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">";
  const auto& r = run.results;
  if (r.contains("problems") && !r["problems"].empty()) {
    out += "<div class=\"card\"><h3>Problems</h3><ul class=\"problems\">";
    std::map<std::int64_t, std::size_t> lane_of_problem;  // first lane naming each problem
    for (std::size_t k = run.system_lanes.size(); k-- > 0;) {
      if (run.system_lanes[k].problem >= 0) lane_of_problem[run.system_lanes[k].problem] = k;
    }
    for (std::size_t i = 0; i < r["problems"].size() && i < kMaxProblemsShown; ++i) {
      out += "<li id=\"problem-" + std::to_string(i) + "\">" +
             esc(json_text(r["problems"][i], kMaxFieldChars));
      const auto lane = lane_of_problem.find(static_cast<std::int64_t>(i));
      if (lane != lane_of_problem.end()) {
        out += " <a class=\"tolane\" href=\"#lanelabel-" + std::to_string(lane->second) +
               "\">(its lane)</a>";
      }
      out += "</li>";
    }
    out += "</ul></div>";
  }
  if (run.have_history) {
    const Counts c = count_spans(run);
    out += "<div class=\"card\"><h3>History</h3><table id=\"counts\">";
    out += "<tr><th>operations</th><td>" + count_text(run.spans.size()) + "</td></tr>";
    out += "<tr><th>ok / fail / info</th><td>" + count_text(c.ok) + " / " + count_text(c.fail) +
           " / " + count_text(c.info) + "</td></tr>";
    out += "<tr><th>never completed</th><td>" + count_text(c.pending) + "</td></tr>";
    out += "<tr><th>processes</th><td>" + count_text(c.processes) + "</td></tr>";
    out += "<tr><th>nemesis intervals</th><td>" + count_text(run.nemesis.size()) + "</td></tr>";
    out += "<tr><th>duration</th><td>" + esc(duration_text(run.t1_ns - run.t0_ns)) +
           "</td></tr></table></div>";
  }
  if (r.contains("set") && r["set"].is_array() && !r["set"].empty()) {
    out += "<div class=\"card\" id=\"options\"><h3>Options set</h3>" + json_tables(r["set"]) +
           "</div>";
  }
  if (r.contains("details")) {
    out += "<div class=\"card\" id=\"details\"><h3>Details</h3>" + json_tables(r["details"]) +
           "</div>";
  }
  if (r.contains("drawn")) out += drawn_html(r["drawn"]);
  return out + "</div></section>";
}

std::string trace_html(const RunData& run) {
  std::string out = "<section id=\"trace\"><h2>Trace</h2>";
  if (!run.have_trace)
    return out +
           "<p class=\"missing\">No trace.txt in the run directory.</p>"
           "</section>";
  out += "<details><summary>" + count_text(run.trace_lines) + " lines";
  const std::size_t shown = run.trace_head.size() + run.trace_tail.size();
  if (shown < run.trace_lines) {
    out += " (the first " + count_text(run.trace_head.size()) + " and the last " +
           count_text(run.trace_tail.size()) + " shown)";
  }
  out += "</summary><pre class=\"trace\">";
  for (const auto& line : run.trace_head) out += esc(line) + "\n";
  if (shown < run.trace_lines) {
    out += "\xE2\x80\xA6 " + count_text(run.trace_lines - shown) + " lines omitted \xE2\x80\xA6\n";
  }
  for (const auto& line : run.trace_tail) out += esc(line) + "\n";
  return out + "</pre></details></section>";
}

std::string notes_html(const RunData& run, const Notes& notes) {
  std::string out = "<section id=\"notes\"><h2>Notes</h2><ul class=\"notes\">";
  if (!run.have_history) {
    out +=
        "<li class=\"missing\">No history.jsonl in the run directory (a run recorded before "
        "histories were written): no timeline, plots or linked operations.</li>";
  }
  for (const auto& n : notes) out += "<li>" + esc(n) + "</li>";
  for (const auto& w : run.warnings) out += "<li>history: " + esc(w) + "</li>";
  if (run.warnings_total > run.warnings.size()) {
    out += "<li>\xE2\x80\xA6 and " + count_text(run.warnings_total - run.warnings.size()) +
           " more history warnings.</li>";
  }
  return out + "</ul></section>";
}

}  // namespace fl::reports
