// parse_command() (args.h).
#include "cli/args.h"

#include <algorithm>

#include "cli/cli.h"

namespace fl::cli {

int usage_error(const CLI::App& app, const std::string& message, std::ostream& err) {
  err << "faultline " << app.get_name() << ": " << message << "\n" << app.help();
  return kExitUsage;
}

std::optional<int> parse_command(CLI::App& app, const std::vector<std::string>& args,
                                 std::ostream& out, std::ostream& err) {
  if (args.size() > kMaxArgs) {
    return usage_error(app, "too many arguments (at most " + std::to_string(kMaxArgs) + ")", err);
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses from the back
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitPass;
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e.what(), err);
  }
  return std::nullopt;
}

}  // namespace fl::cli
