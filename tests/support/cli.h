// Test support: calling `faultline` sub-commands in-process (captured output) and as a child
// process (the binary at FAULTLINE_BIN, which the test target defines), and temporary
// directories.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace fl::test {

struct Captured {
  int code = 0;
  std::string out, err;
};

using Command = int (*)(const std::vector<std::string>&, std::ostream&, std::ostream&);

// Calls `command` with `args`, capturing its output.
Captured run_command(Command command, const std::vector<std::string>& args);

// Runs `<faultline> <args>` in a shell; returns its stdout (and stderr when with_stderr), and
// sets *exit_code to its exit code (-1 when it did not exit normally).
std::string run_process(const std::string& faultline, const std::string& args, int* exit_code,
                        bool with_stderr = false);

// The first line of `text` starting with `prefix`, or "".
std::string line_with(const std::string& text, const std::string& prefix);

// A fresh, empty directory under the system's temporary directory.
std::filesystem::path fresh_dir(const std::string& name);

}  // namespace fl::test
