// A run's report page: load the run directory, derive the model, render every section into one
// self-contained HTML file, and write it next to the run's files.
#include "reports/report.h"

#include <filesystem>
#include <fstream>

#include "reports/html.h"
#include "reports/page.h"
#include "reports/svg.h"

namespace fl::reports {
namespace fs = std::filesystem;

std::string page_open(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         esc(title) + "</title><style>" + style_sheet() + "</style></head><body>";
}

std::string write_file_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return tmp.string() + ": cannot be opened for writing";
    out << text;
    out.flush();
    if (!out) return tmp.string() + ": write failed";
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return path.string() + ": " + ec.message();
  return "";
}

namespace {

std::string render_run(const RunData& run) {
  Notes notes;
  std::string pictures;
  if (run.have_history) {
    pictures +=
        "<section id=\"timeline\"><h2>Timeline</h2><div class=\"legendrow\">"
        "one lane per process; bars from invocation to completion:"
        "<span class=\"sw\" style=\"background:#43a047\"></span>ok"
        "<span class=\"sw\" style=\"background:#e53935\"></span>fail"
        "<span class=\"sw\" style=\"background:#fb8c00\"></span>info (indeterminate, "
        "dashed: may take effect later)"
        "<span class=\"sw\" style=\"background:#9aa5b1\"></span>never completed"
        "<span class=\"sw\" style=\"border:2px solid #8e24aa\"></span>named by an anomaly"
        "; shaded: nemesis intervals; dashed green: heal-all</div>" +
        timeline_svg(run, &notes) + "</section>";
    if (!run.system_lanes.empty()) {
      pictures +=
          "<section id=\"system\"><h2>System</h2><div class=\"legendrow\">what the system "
          "recorded of itself, one lane each (e.g. a saga), on the timeline's time axis under the "
          "nemesis intervals:"
          "<span class=\"sw\" style=\"background:#43a047\"></span>ok"
          "<span class=\"sw\" style=\"background:#e53935\"></span>fail"
          "<span class=\"sw\" style=\"background:#1e88e5\"></span>compensated"
          "<span class=\"sw\" style=\"background:#fb8c00\"></span>unknown"
          "<span class=\"sw\" style=\"background:#9aa5b1\"></span>running / open"
          "; \xE2\x96\xB6 where it ended; a red label links to the problem naming the lane</div>" +
          system_lanes_svg(run, &notes) + "</section>";
    }
    pictures +=
        "<section id=\"latency\"><h2>Latency</h2>" + latency_svg(run, &notes) + "</section>";
    pictures += "<section id=\"throughput\"><h2>Throughput</h2>" + throughput_svg(run, &notes) +
                "</section>";
  } else {
    pictures =
        "<section id=\"timeline\"><h2>Timeline</h2><p class=\"missing\">No history.jsonl "
        "in the run directory.</p></section>";
  }
  const std::string scenario =
      run.results.contains("scenario") ? json_text(run.results["scenario"], 200) : "run";
  const std::string seed = run.results.contains("seed") ? json_text(run.results["seed"], 40) : "?";
  std::string page = page_open(scenario + " seed " + seed + " \xE2\x80\x94 faultline report");
  page += header_html(run) + "<main>" + summary_html(run) + pictures + checks_html(run) +
          trace_html(run) + notes_html(run, notes) + "</main><script>" + run_script() +
          "</script></body></html>\n";
  return page;
}

}  // namespace

std::string write_run_report(const std::string& run_dir) {
  RunData run;
  std::string error = load_run(run_dir, nullptr, &run);
  if (!error.empty()) return error;
  build_model(&run);
  parse_system_lanes(&run);
  return write_file_atomically(fs::path(run_dir) / "report.html", render_run(run));
}

std::string write_run_report(const std::string& run_dir, const history::History& history) {
  RunData run;
  std::string error = load_run(run_dir, &history, &run);
  if (!error.empty()) return error;
  build_model(&run);
  parse_system_lanes(&run);
  return write_file_atomically(fs::path(run_dir) / "report.html", render_run(run));
}

}  // namespace fl::reports
