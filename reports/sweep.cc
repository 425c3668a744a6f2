// A sweep's index page: the summary, then one row per seed, failures first, each linking to the
// run's report.html.
#include <algorithm>
#include <filesystem>

#include "reports/html.h"
#include "reports/page.h"
#include "reports/report.h"

namespace fl::reports {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxSweepRows = 100'000;
constexpr std::size_t kMaxProblemsPerRow = 3;

struct Row {
  nlohmann::json seed;
  std::string result, dir, wall, problems;
  std::size_t problems_total = 0;
};

int rank(const std::string& result) {
  if (result == "fail") return 0;
  if (result == "unknown") return 1;
  if (result == "pass") return 3;
  return 2;
}

std::string parse_row(const nlohmann::json& e, const fs::path& sweep_dir, std::size_t i, Row* row) {
  const std::string where = "sweep.seeds[" + std::to_string(i) + "]";
  if (!e.is_object()) return where + " must be an object";
  if (!e.contains("seed") || !(e["seed"].is_number_integer() || e["seed"].is_string())) {
    return where + ".seed must be an integer";
  }
  if (!e.contains("result") || !e["result"].is_string()) return where + ".result must be a string";
  if (!e.contains("dir") || !e["dir"].is_string()) return where + ".dir must be a string";
  row->seed = e["seed"];
  row->result = e["result"].get<std::string>();
  fs::path dir = e["dir"].get<std::string>();
  if (dir.is_absolute()) dir = dir.lexically_relative(fs::absolute(sweep_dir));
  row->dir = dir.generic_string();
  if (e.contains("wall_ms")) {
    if (!e["wall_ms"].is_number()) return where + ".wall_ms must be a number";
    row->wall = fixed(e["wall_ms"].get<double>(), 0);
  }
  if (e.contains("problems")) {
    if (!e["problems"].is_array()) return where + ".problems must be an array";
    row->problems_total = e["problems"].size();
    for (std::size_t k = 0; k < e["problems"].size() && k < kMaxProblemsPerRow; ++k) {
      row->problems += "<li>" + esc(json_text(e["problems"][k], 300)) + "</li>";
    }
  }
  return "";
}

std::string row_html(const Row& r, const fs::path& sweep_dir) {
  const std::string href = url_path(r.dir + "/report.html");
  std::error_code ec;
  const bool exists = fs::exists(sweep_dir / r.dir / "report.html", ec);
  std::string out = "<tr class=\"" + verdict_class(r.result) + "\"><td>" +
                    esc(json_text(r.seed, 40)) + "</td><td><span class=\"verdict " +
                    verdict_class(r.result) + "\">" + esc(r.result) + "</span></td><td>" + r.wall +
                    "</td><td><ul class=\"problems\">" + r.problems;
  if (r.problems_total > kMaxProblemsPerRow) {
    out += "<li>\xE2\x80\xA6 " + count_text(r.problems_total - kMaxProblemsPerRow) + " more</li>";
  }
  out += "</ul></td><td><a class=\"runlink\" href=\"" + href + "\">" + esc(r.dir) + "</a>" +
         (exists ? "" : " <span class=\"missing\">(no report.html yet)</span>");
  if (fs::exists(sweep_dir / r.dir / "shrink.html", ec)) {
    out += " <a class=\"shrinklink\" href=\"" + url_path(r.dir + "/shrink.html") + "\">shrunk</a>";
  }
  out += "</td></tr>";
  return out;
}

std::string summary(const nlohmann::json& sweep, const std::vector<Row>& rows) {
  std::map<std::string, std::size_t> counts;
  for (const Row& r : rows) ++counts[r.result];
  std::string out =
      "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\"><div "
      "class=\"card\"><table id=\"counts\"><tr><th>seeds</th><td>" +
      count_text(rows.size()) + "</td></tr>";
  for (const auto& [result, n] : counts) {
    out += "<tr><th>" + esc(result) + "</th><td>" + count_text(n) + "</td></tr>";
  }
  out += "</table></div>";
  if (sweep.contains("summary") && sweep["summary"].is_object()) {
    out += "<div class=\"card\"><table>";
    for (const auto& [k, v] : sweep["summary"].items()) {
      out += "<tr><th>" + esc(truncate_text(k, 100)) + "</th><td class=\"v\">" +
             esc(json_text(v, 400)) + "</td></tr>";
    }
    out += "</table></div>";
  }
  return out + "</div></section>";
}

}  // namespace

std::string write_sweep_index(const std::string& sweep_dir, const nlohmann::json& sweep) {
  if (!sweep.is_object()) return "sweep: must be a JSON object";
  if (!sweep.contains("seeds") || !sweep["seeds"].is_array()) {
    return "sweep.seeds must be an array";
  }
  std::vector<Row> rows;
  for (std::size_t i = 0; i < sweep["seeds"].size(); ++i) {
    Row row;
    std::string error = parse_row(sweep["seeds"][i], sweep_dir, i, &row);
    if (!error.empty()) return error;
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (rank(a.result) != rank(b.result)) return rank(a.result) < rank(b.result);
    return a.seed < b.seed;
  });
  const std::string scenario = sweep.contains("scenario") ? json_text(sweep["scenario"], 200) : "";
  const std::string mode = sweep.contains("mode") ? json_text(sweep["mode"], 40) : "";
  std::string page = page_open("sweep " + scenario + " \xE2\x80\x94 faultline");
  page += "<header><h1>sweep \xC2\xB7 " + esc(scenario) +
          "</h1><div class=\"meta\"><span>mode <b>" + esc(mode) + "</b></span><span>directory <b>" +
          esc(sweep_dir) + "</b></span></div>" + "</header><main>" + summary(sweep, rows);
  page +=
      "<section id=\"seeds\"><h2>Seeds (failures first)</h2><table class=\"seeds\"><tr><th>"
      "seed</th><th>result</th><th>wall ms</th><th>problems</th><th>report</th></tr>";
  for (std::size_t i = 0; i < rows.size() && i < kMaxSweepRows; ++i) {
    page += row_html(rows[i], sweep_dir);
  }
  page += "</table>";
  if (rows.size() > kMaxSweepRows) {
    page += "<p>\xE2\x80\xA6 " + count_text(rows.size() - kMaxSweepRows) +
            " more seeds not listed (limit " + count_text(kMaxSweepRows) + ").</p>";
  }
  page += "</section></main></body></html>\n";
  return write_file_atomically(fs::path(sweep_dir) / "index.html", page);
}

}  // namespace fl::reports
