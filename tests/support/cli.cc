#include "tests/support/cli.h"

#include <sys/wait.h>

#include <cstdio>
#include <sstream>

namespace fl::test {

Captured run_command(Command command, const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Captured c;
  c.code = command(args, out, err);
  c.out = out.str();
  c.err = err.str();
  return c;
}

std::string run_process(const std::string& faultline, const std::string& args, int* exit_code,
                        bool with_stderr) {
  const std::string cmd = faultline + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (pipe != nullptr && fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  const int status = pipe == nullptr ? -1 : pclose(pipe);
  *exit_code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string line_with(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

std::filesystem::path fresh_dir(const std::string& name) {
  const std::filesystem::path p =
      std::filesystem::temp_directory_path() / ("faultline-test-" + name);
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace fl::test
