// faultline-check: `faultline check` as a small executable of its own, the fast path for
// checking one history per process. It links only the check command (cmd_check.cc, args.cc),
// the checkers, the history readers and CLI11, statically, so that starting it loads no
// shared library (the full `faultline` loads about 35 and spends most of a small check there).
// It takes exactly the arguments of `faultline check` and prints exactly the same output with
// the same exit codes (tests/cli/check_binary_test.sh compares the two).
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return fl::cli::cmd_check(args, std::cout, std::cerr);
}
