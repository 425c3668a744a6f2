// `faultline report <run-dir>`: (re)writes a run directory's report.html (reports/report.h),
// e.g. for runs recorded before reports existed. Prints the report's path.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace fl::scenarios {

// Exit codes as in scenarios/cli.h: 0 written, 2 bad usage or a run directory that cannot be
// read (the message names the file and the problem).
int cmd_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fl::scenarios
