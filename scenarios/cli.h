// The `faultline` command's sub-commands. Each returns the process exit code:
//   0 pass / valid / ok, 1 a check failed, 2 bad usage or bad input (with a message on err),
//   3 the harness itself failed (nondeterminism on replay, an internal error).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace fl::scenarios {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;
constexpr int kExitHarness = 3;

int cmd_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int cmd_replay(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int cmd_list(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int cmd_bench(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int cmd_bench_pg(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int cmd_bench_sim(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Parses a whole decimal uint64 ("42"); false on anything else (sign, spaces, overflow).
bool parse_u64(const std::string& text, std::uint64_t* value);

}  // namespace fl::scenarios
