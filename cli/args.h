// The one way every sub-command reads its arguments: a CLI11 App per command, parsed here with
// the same messages and exit codes everywhere.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace fl::cli {

constexpr std::size_t kMaxArgs = 256;

// Parses `args` (the words after the command name) with `app`. nullopt: parsed, go on.
// Otherwise the exit code to return, after printing: --help/-h prints the usage on `out` (0);
// a bad argument prints "faultline <command>: <what is wrong>" and the usage on `err` (2).
std::optional<int> parse_command(CLI::App& app, const std::vector<std::string>& args,
                                 std::ostream& out, std::ostream& err);

// Prints "faultline <command>: <message>" and the usage on `err`; returns 2.
int usage_error(const CLI::App& app, const std::string& message, std::ostream& err);

}  // namespace fl::cli
