// `faultline report <run-dir>`: (re)writes a run directory's report.html from its results.json,
// history.jsonl and trace.txt (reports/report.h). Prints the report's path. Exit 2 when the run
// directory cannot be read (the message names the file and the problem).
#include <filesystem>

#include "cli/args.h"
#include "cli/cli.h"
#include "reports/report.h"

namespace fl::cli {

int cmd_report(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Writes a run directory's report.html.", "report"};
  std::string dir;
  app.add_option("run-dir", dir, "a run directory (store/<scenario>/<seed>/)")->required();
  if (auto code = parse_command(app, args, out, err)) return *code;
  const std::string error = reports::write_run_report(dir);
  if (!error.empty()) {
    err << "faultline report: " << error << "\n";
    return kExitUsage;
  }
  out << (std::filesystem::path(dir) / "report.html").string() << "\n";
  return kExitPass;
}

}  // namespace fl::cli
