// Running the `faultline` binary from a test (the sweep, shrink and bug-variant tests that prove
// what a user gets at the command line) and reading the JSON files it writes. Header-only: the
// tests that use it link nothing of the project.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace fl::test {

struct Ran {
  int code = -1;       // the exit code; -1 when it did not exit normally or could not start
  std::string output;  // stdout and stderr, at most kMaxRanOutput bytes
};

constexpr std::size_t kMaxRanOutput = 1 << 22;

// Runs `binary args` through the shell (args are shell words) and waits for it.
inline Ran run_binary(const std::string& binary, const std::string& args) {
  const std::string cmd = binary + " " + args + " 2>&1";
  Ran r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) {
    if (r.output.size() < kMaxRanOutput) r.output.append(buf, n);  // drain the rest unread
  }
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The JSON in `p`; a discarded value when it is missing or malformed.
inline nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
}

}  // namespace fl::test
