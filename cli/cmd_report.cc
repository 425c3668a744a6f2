// `faultline report <run-dir>`: (re)writes a run directory's report.html from its results.json,
// history.jsonl and trace.txt (reports/report.h). Prints the report's path. Exit 2 when the run
// directory cannot be read (the message names the file and the problem).
// `faultline report --main-job <dir>`: writes the main job's dashboard, dir/index.html, from
// dir/main-job.json and each scenario's sweep.json (.ci/main-job runs it).
#include <filesystem>
#include <fstream>

#include "cli/args.h"
#include "cli/cli.h"
#include "reports/report.h"

namespace fl::cli {

int cmd_report(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Writes a run directory's report.html.", "report"};
  std::string dir;
  bool main_job = false;
  app.add_option("run-dir", dir, "a run directory (store/<scenario>/<seed>/)")->required();
  app.add_flag("--main-job", main_job,
               "run-dir is the main job's directory: write its dashboard from main-job.json");
  if (auto code = parse_command(app, args, out, err)) return *code;
  std::string error;
  if (main_job) {
    std::ifstream in(std::filesystem::path(dir) / "main-job.json");
    if (!in.is_open()) {
      error = dir + "/main-job.json: cannot be read";
    } else {
      error = reports::write_main_index(dir, nlohmann::json::parse(in, nullptr, false));
    }
  } else {
    error = reports::write_run_report(dir);
  }
  if (!error.empty()) {
    err << "faultline report: " << error << "\n";
    return kExitUsage;
  }
  out << (std::filesystem::path(dir) / (main_job ? "index.html" : "report.html")).string() << "\n";
  return kExitPass;
}

}  // namespace fl::cli
