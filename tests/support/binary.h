// Running the `faultline` binary from a test (the sweep, shrink and bug-variant tests that prove
// what a user gets at the command line), reading the JSON files it writes, and the checks those
// tests share. Header-only: the tests that use it link nothing of the project.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

// An empty directory under the temporary directory named `prefix` + the running test's name
// (parameterized tests included), for the test's runs.
inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  for (char& c : name) {
    if (c == '/') c = '-';
  }
  const auto dir = std::filesystem::temp_directory_path() / (prefix + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// `binary shrink failing_dir --budget N` succeeds within its budget, reduces at least one knob and
// ends at a run that still fails; its diff page shrink.html links that run, and the original
// report.html (and, for a seed of a sweep, the sweep's index.html) links the page.
inline void expect_shrunk(const std::string& binary, const std::string& failing_dir, int budget) {
  const Ran s = run_binary(binary, "shrink " + failing_dir + " --budget " + std::to_string(budget));
  ASSERT_EQ(s.code, 0) << s.output;
  EXPECT_NE(s.output.find("smallest reproduction: faultline run"), std::string::npos) << s.output;
  const nlohmann::json shrink = read_json(std::filesystem::path(failing_dir) / "shrink.json");
  ASSERT_TRUE(shrink.is_object());
  EXPECT_LE(shrink["runs"].get<int>(), budget);
  bool reduced = false;
  for (const auto& k : shrink["knobs"]) reduced = reduced || k["to"] != k["from"];
  EXPECT_TRUE(reduced) << shrink.dump(2);
  const nlohmann::json smallest =
      read_json(std::filesystem::path(shrink["run_dir"].get<std::string>()) / "results.json");
  EXPECT_EQ(smallest.value("result", ""), "fail");
  // The diff page beside shrink.json, linked from the run's report, naming the smallest command.
  const auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string page = slurp(std::filesystem::path(failing_dir) / "shrink.html");
  EXPECT_NE(page.find("id=\"diff-table\""), std::string::npos) << "no shrink.html\n" << s.output;
  const std::string subdir = shrink.value("run_subdir", std::string("?"));
  EXPECT_NE(page.find("href=\"" + subdir + "/report.html\""), std::string::npos) << subdir;
  EXPECT_NE(slurp(std::filesystem::path(failing_dir) / "report.html").find("href=\"shrink.html\""),
            std::string::npos);
  const std::filesystem::path sweep_dir = std::filesystem::path(failing_dir).parent_path();
  if (std::filesystem::exists(sweep_dir / "sweep.json")) {  // a seed of a sweep: its row links
    const std::string seed = std::filesystem::path(failing_dir).filename().string();
    EXPECT_NE(slurp(sweep_dir / "index.html").find("href=\"" + seed + "/shrink.html\""),
              std::string::npos);
  }
}

// The failing seeds recorded in the sweep.json of the sweep written to `out`, in its order; the
// run directory of the first goes to *first_dir (left as it was when none failed).
inline std::vector<int> failing_seeds(const std::filesystem::path& out, std::string* first_dir) {
  std::vector<int> failing;
  const nlohmann::json s = read_json(out / "sweep.json");
  for (const auto& x : s.value("seeds", nlohmann::json::array())) {
    if (x["result"] != "fail") continue;
    if (failing.empty()) *first_dir = (out / x["dir"].get<std::string>()).string();
    failing.push_back(x["seed"].get<int>());
  }
  return failing;
}

// The median distance between consecutive failing seeds, the first counted from 0 (how often a
// known bug shows in a sweep); 0 when `failing` is empty (callers assert it is not first).
inline int median_gap(std::vector<int> failing) {
  if (failing.empty()) return 0;
  std::sort(failing.begin(), failing.end());
  std::vector<int> gaps = {failing.front()};
  for (std::size_t i = 1; i < failing.size(); ++i) gaps.push_back(failing[i] - failing[i - 1]);
  std::sort(gaps.begin(), gaps.end());
  return gaps[gaps.size() / 2];
}

}  // namespace fl::test
