// `faultline check` and `faultline bench checkers`.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace fl::checkers {

// `faultline check <history> [--model register|cas-register|kv]
//   [--format auto|jsonl|porcupine-etcd|porcupine-kv] [--failed-cas evidence|never-happened]
//   [--max-steps N]`: prints the verdict as JSON (with "valid"); exit 0 valid, 1 invalid,
// 2 unknown or bad input.
int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `faultline bench checkers [--histories DIR]`.
int bench_checkers_command(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err);

}  // namespace fl::checkers
