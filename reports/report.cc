// Placeholder translation unit replaced below by the real renderers.
#include "reports/report.h"

namespace fl::reports {

std::string write_run_report(const std::string& run_dir) {
  return "reports: not built yet (" + run_dir + ")";
}

std::string write_sweep_index(const std::string& sweep_dir, const nlohmann::json& sweep) {
  return "reports: not built yet (" + sweep_dir + ")";
}

}  // namespace fl::reports
