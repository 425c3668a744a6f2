// What a sweep and a merge of sweeps both print and write: the summary table (pass / fail /
// unknown counts, a timing line, then every seed that did not pass with the command that
// reproduces it, its problems and its report), and DIR/sweep.json with DIR/index.html.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace fl::harness {

struct ResultCounts {
  std::uint64_t pass = 0, fail = 0, unknown = 0;
};

// Counts the "result" of each entry of `seeds` (a sweep.json "seeds" array; anything other than
// pass or fail counts as unknown).
ResultCounts count_results(const nlohmann::json& seeds);

// Prints `header`, the counts table, "  " + `timing`, then each non-passing entry of `seeds`
// ("<result>: seed <s>: <reproduce>", its problems, "report: <dir>/<entry dir>/report.html").
void print_sweep_summary(std::ostream& out, const std::string& header, const ResultCounts& counts,
                         const std::string& timing, const nlohmann::json& seeds,
                         const std::string& dir);

// Writes dir/sweep.json and dir/index.html (reports/'s sweep index). Returns "" or what failed.
std::string write_sweep_files(const std::string& dir, const nlohmann::json& sweep);

}  // namespace fl::harness
