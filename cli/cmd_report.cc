// `faultline report <run-dir>`: (re)writes a run directory's report.html from its results.json,
// history.jsonl and trace.txt (reports/report.h). Prints the report's path. Exit 2 when the run
// directory cannot be read (the message names the file and the problem).
// `faultline report --main-job <dir>`: writes the main job's dashboard, dir/index.html, from
// dir/main-job.json and each scenario's sweep.json (.ci/main-job runs it).
// `faultline report --shrink <run-dir>`: writes only the run's shrink diff page,
// run-dir/shrink.html, from the shrink.json `faultline shrink` left (exit 2 when there is none).
// Without the flag, a run directory that holds a shrink.json gets its shrink.html rewritten too.
#include <filesystem>
#include <fstream>
#include <vector>

#include "cli/args.h"
#include "cli/cli.h"
#include "reports/report.h"

namespace fl::cli {

int cmd_report(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Writes a run directory's report.html.", "report"};
  std::string dir;
  bool main_job = false, shrink = false;
  app.add_option("run-dir", dir, "a run directory (store/<scenario>/<seed>/)")->required();
  app.add_flag("--main-job", main_job,
               "run-dir is the main job's directory: write its dashboard from main-job.json");
  app.add_flag("--shrink", shrink,
               "write only run-dir/shrink.html, the diff view of `faultline shrink`'s result");
  if (auto code = parse_command(app, args, out, err)) return *code;
  namespace fs = std::filesystem;
  std::string error;
  std::vector<std::string> written;
  if (main_job && shrink) {
    error = "--main-job and --shrink do not go together";
  } else if (shrink) {
    error = reports::write_shrink_page(dir);
    written.push_back("shrink.html");
  } else if (main_job) {
    std::ifstream in(std::filesystem::path(dir) / "main-job.json");
    if (!in.is_open()) {
      error = dir + "/main-job.json: cannot be read";
    } else {
      error = reports::write_main_index(dir, nlohmann::json::parse(in, nullptr, false));
    }
    written.push_back("index.html");
  } else {
    std::error_code ec;
    const bool shrunk = fs::exists(fs::path(dir) / "shrink.json", ec);
    if (shrunk) error = reports::write_shrink_page(dir);  // first: report.html links to it
    if (error.empty()) error = reports::write_run_report(dir);
    written.push_back("report.html");
    if (shrunk) written.push_back("shrink.html");
  }
  if (!error.empty()) {
    err << "faultline report: " << error << "\n";
    return kExitUsage;
  }
  for (const auto& file : written) out << (fs::path(dir) / file).string() << "\n";
  return kExitPass;
}

}  // namespace fl::cli
