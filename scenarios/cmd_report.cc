// `faultline report <run-dir>`: renders the run's report.html from its results.json,
// history.jsonl and trace.txt.
#include "scenarios/cmd_report.h"

#include <filesystem>

#include "reports/report.h"
#include "scenarios/cli.h"

namespace fl::scenarios {

int cmd_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  constexpr const char* kUsage = "usage: faultline report <run-dir>\n";
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    out << kUsage;
    return kExitPass;
  }
  if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
    err << "faultline: report needs exactly one run directory (store/<scenario>/<seed>/)\n"
        << kUsage;
    return kExitUsage;
  }
  const std::string error = reports::write_run_report(args[0]);
  if (!error.empty()) {
    err << "faultline: report: " << error << "\n";
    return kExitUsage;
  }
  out << (std::filesystem::path(args[0]) / "report.html").string() << "\n";
  return kExitPass;
}

}  // namespace fl::scenarios
