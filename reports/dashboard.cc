// The main job's dashboard: one table of every scenario swept (verdict against what was expected,
// seeds, pass/fail/unknown, seeds/hour, peak memory, first failing seed, catch seeds), then every
// failing seed with its reproduce command and a link to its report. Read from the main job's
// manifest and each scenario's sweep.json; nothing here knows any scenario or system.
#include <filesystem>
#include <fstream>

#include "reports/html.h"
#include "reports/page.h"
#include "reports/report.h"

namespace fl::reports {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxScenarios = 10'000;
constexpr std::size_t kMaxSweepJsonBytes = 256u << 20;
constexpr std::size_t kMaxCatchSeedsShown = 10;
constexpr std::size_t kMaxFailingListed = 2'000;

struct Failing {
  std::string scenario, seed, result, reproduce, report;  // report: href relative to the index
  bool expected = false;                                  // a known-bug variant's catch
};

struct ScenarioRow {
  std::string name, expect, verdict, dir, seeds;
  bool ok = false;
  bool have_sweep = false;
  std::string pass = "-", fail = "-", unknown = "-", per_hour = "-", peak = "-";
  std::string first_fail = "-", catches;
};

std::string str_field(const nlohmann::json& j, const char* key, std::size_t max_chars) {
  return j.is_object() && j.contains(key) ? json_text(j[key], max_chars) : "";
}

// Reads dir/sweep.json into *out ("" or why it could not be read).
std::string read_sweep(const fs::path& path, nlohmann::json* out) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return path.string() + ": missing";
  if (size > kMaxSweepJsonBytes) return path.string() + ": larger than the limit";
  std::ifstream in(path);
  *out = nlohmann::json::parse(in, nullptr, false);
  if (!out->is_object() || !(*out)["summary"].is_object() || !(*out)["seeds"].is_array()) {
    return path.string() + ": not a sweep.json (summary and seeds expected)";
  }
  return "";
}

std::string mib_text(double kib) { return fixed(kib / 1024.0, 1) + " MiB"; }

// Fills the row's figures from its sweep.json, and collects its failing seeds.
void fill_from_sweep(const nlohmann::json& sweep, ScenarioRow* row, std::vector<Failing>* failing) {
  const auto& s = sweep["summary"];
  row->pass = str_field(s, "pass", 20);
  row->fail = str_field(s, "fail", 20);
  row->unknown = str_field(s, "unknown", 20);
  if (s.contains("seeds_per_hour") && s["seeds_per_hour"].is_number()) {
    row->per_hour = count_text(static_cast<std::uint64_t>(s["seeds_per_hour"].get<double>()));
  }
  if (s.contains("peak_rss_kb") && s["peak_rss_kb"].is_number()) {
    row->peak = mib_text(s["peak_rss_kb"].get<double>());
  }
  row->seeds = str_field(s, "first_seed", 20) + ".." + str_field(s, "last_seed", 20);
  std::size_t catches = 0, caught = 0;
  for (const auto& e : sweep["seeds"]) {
    if (!e.is_object() || !e.contains("result") || e["result"] == "pass") continue;
    const std::string seed = str_field(e, "seed", 40);
    if (row->first_fail == "-") row->first_fail = seed;  // sweep.json lists seeds in order
    if (e["result"] == "fail") {
      ++caught;
      if (catches++ < kMaxCatchSeedsShown) row->catches += (row->catches.empty() ? "" : " ") + seed;
    }
    if (failing->size() < kMaxFailingListed) {
      const std::string dir = e.contains("dir") ? json_text(e["dir"], 400) : seed;
      failing->push_back({row->name, seed, str_field(e, "result", 20),
                          str_field(e, "reproduce", 2000), row->dir + "/" + dir + "/report.html",
                          row->expect == "fail"});
    }
  }
  if (caught > kMaxCatchSeedsShown) {
    row->catches += " \xE2\x80\xA6 (" + count_text(caught) + " in all)";
  }
  if (row->expect != "fail") row->catches.clear();
}

std::string row_html(const ScenarioRow& r) {
  const std::string cls = r.ok ? "ok" : "bad";
  std::string name = esc(r.name);
  if (r.have_sweep) {
    name =
        "<a class=\"sweeplink\" href=\"" + url_path(r.dir + "/index.html") + "\">" + name + "</a>";
  }
  auto td = [](const std::string& text, const char* cls_name = "") {
    return std::string("<td class=\"") + cls_name + "\">" + esc(text) + "</td>";
  };
  return "<tr class=\"scenario " + cls + "\"><td>" + name + "</td>" + td(r.expect) +
         "<td><span class=\"outcome " + cls + "\">" + esc(r.verdict) + "</span></td>" +
         td(r.seeds) + td(r.pass, "n") + td(r.fail, "n") + td(r.unknown, "n") +
         td(r.per_hour, "n") + td(r.peak, "n") + td(r.first_fail) + td(r.catches) + "</tr>";
}

// A link to the failing seed's shrink.html when `faultline shrink` wrote one beside its report.
std::string shrink_link(const fs::path& root, const std::string& report) {
  const std::string shrink = fs::path(report).replace_filename("shrink.html").generic_string();
  std::error_code ec;
  if (!fs::exists(root / shrink, ec)) return "";
  return " <a class=\"shrinklink\" href=\"" + url_path(shrink) + "\">shrunk</a>";
}

std::string failing_html(const std::vector<Failing>& failing, const fs::path& root) {
  std::string out =
      "<section id=\"failing\"><h2>Failing seeds</h2><p class=\"legendrow\">Unexpected "
      "failures first, then the known-bug variants' catches (expected to fail).</p>";
  if (failing.empty()) return out + "<p>None: no seed failed.</p></section>";
  out +=
      "<table class=\"failing\"><tr><th>scenario</th><th>seed</th><th>result</th><th>reproduce"
      "</th><th>report</th></tr>";
  std::vector<const Failing*> order;
  for (const auto& f : failing)
    if (!f.expected) order.push_back(&f);
  for (const auto& f : failing)
    if (f.expected) order.push_back(&f);
  for (const Failing* p : order) {
    const Failing& f = *p;
    out += "<tr class=\"" + std::string(f.expected ? "expected" : "unexpected") + "\"><td>" +
           esc(f.scenario) + "</td><td>" + esc(f.seed) + "</td><td>" +
           esc(f.result + (f.expected ? " (expected)" : "")) + "</td><td><code class=\"repro\">" +
           esc(f.reproduce) + "</code></td><td><a class=\"reportlink\" href=\"" +
           url_path(f.report) + "\">report.html</a>" + shrink_link(root, f.report) + "</td></tr>";
  }
  if (failing.size() >= kMaxFailingListed) {
    out += "<tr><td colspan=\"5\">\xE2\x80\xA6 listing stopped at " +
           count_text(kMaxFailingListed) + "</td></tr>";
  }
  return out + "</table></section>";
}

// Parses one manifest entry and its sweep into *row. "" or why the entry is malformed.
std::string parse_entry(const nlohmann::json& e, std::size_t i, const fs::path& root,
                        ScenarioRow* row, std::vector<Failing>* failing) {
  const std::string where = "main-job.json: scenarios[" + std::to_string(i) + "]";
  if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) {
    return where + ".name must be a string";
  }
  if (!e.contains("ok") || !e["ok"].is_boolean()) return where + ".ok must be true or false";
  row->name = e["name"].get<std::string>();
  row->expect = str_field(e, "expect", 20);
  row->verdict = str_field(e, "verdict", 400);
  row->ok = e["ok"].get<bool>();
  row->dir = e.contains("dir") ? str_field(e, "dir", 400) : row->name;
  nlohmann::json sweep;
  const std::string why = read_sweep(root / row->dir / "sweep.json", &sweep);
  row->have_sweep = why.empty();
  if (row->have_sweep) {
    fill_from_sweep(sweep, row, failing);
  } else if (row->verdict.empty()) {
    row->verdict = why;
  }
  return "";
}

}  // namespace

std::string write_main_index(const std::string& dir, const nlohmann::json& manifest) {
  if (!manifest.is_object()) return "main-job.json: must be a JSON object";
  if (!manifest.contains("scenarios") || !manifest["scenarios"].is_array()) {
    return "main-job.json: scenarios must be an array";
  }
  if (manifest["scenarios"].size() > kMaxScenarios) return "main-job.json: too many scenarios";
  std::vector<ScenarioRow> rows;
  std::vector<Failing> failing;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < manifest["scenarios"].size(); ++i) {
    ScenarioRow row;
    if (std::string e = parse_entry(manifest["scenarios"][i], i, dir, &row, &failing); !e.empty()) {
      return e;
    }
    bad += row.ok ? 0 : 1;
    rows.push_back(std::move(row));
  }
  std::string page = page_open("faultline main job");
  page += "<header><h1>faultline main job <span class=\"verdict " +
          std::string(bad == 0 ? "pass" : "fail") + "\">" +
          (bad == 0 ? "all as expected" : count_text(bad) + " not as expected") +
          "</span></h1><div class=\"meta\" id=\"build\">";
  for (const char* key : {"build", "date", "machine", "seeds", "jobs", "wall_s"}) {
    if (manifest.contains(key)) {
      page +=
          "<span>" + std::string(key) + " <b>" + esc(json_text(manifest[key], 300)) + "</b></span>";
    }
  }
  page +=
      "</div><nav><a href=\"#scenarios\">Scenarios</a><a href=\"#failing\">Failing seeds</a>"
      "</nav></header><main><section id=\"scenarios\"><h2>Scenarios (" +
      count_text(rows.size()) +
      ")</h2><table class=\"dashboard\"><tr><th>scenario</th><th>expected</th><th>verdict</th>"
      "<th>seeds</th><th>pass</th><th>fail</th><th>unknown</th><th>seeds/h</th><th>peak memory"
      "</th><th>first failing seed</th><th>catch seeds (known bugs)</th></tr>";
  for (const auto& r : rows) page += row_html(r);
  page +=
      "</table><p class=\"legendrow\">peak memory: the largest resident set of one seed's run "
      "(its child process's ru_maxrss).</p></section>" +
      failing_html(failing, dir) + "</main></body></html>\n";
  return write_file_atomically(fs::path(dir) / "index.html", page);
}

}  // namespace fl::reports
