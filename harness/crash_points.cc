// The crash-point enumeration (crash_points.h).
#include "harness/crash_points.h"

#include <algorithm>
#include <map>

#include "system/io/assert.h"
#include "system/io/random.h"

namespace fl::harness {
namespace {

// Folds run trace hashes into one (FNV over their text; stable across platforms).
struct HashFold {
  std::string text;
  void add(const std::string& trace_hash) { text += trace_hash + ";"; }
  std::string hex() const {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx",
                  static_cast<unsigned long long>(io::hash_bytes(text)));
    return out;
  }
};

std::vector<std::string> nodes_to_crash(const CrashPointsSpec& spec,
                                        const std::map<std::string, int>& counted) {
  if (spec.nodes.empty()) {
    std::vector<std::string> all;
    for (const auto& [node, steps] : counted) all.push_back(node);
    return all;
  }
  return spec.nodes;
}

void add_problems(const std::string& prefix, const RunResult& run, RunResult* out) {
  std::vector<std::string> problems = run.problems;
  if (!run.usage_error.empty()) problems.push_back(run.usage_error);
  if (problems.empty() && run.verdict != Verdict::kPass) problems.push_back("verdict unknown");
  for (const auto& p : problems) {
    if (out->problems.size() < kMaxCrashPointProblems) out->problems.push_back(prefix + p);
  }
}

}  // namespace

RunResult run_crash_points(const ScenarioSpec& spec, const RunOptions& options,
                           const RunWithHook& run) {
  FL_ASSERT(spec.crash_points.enabled);
  std::map<std::string, int> counted;  // node -> durable steps in the fault-free run
  RunResult baseline = run([&counted](const std::string& node, const char*) {
    ++counted[node];
    return false;
  });
  if (!baseline.usage_error.empty()) return baseline;
  RunResult result;
  add_problems("fault-free run: ", baseline, &result);
  HashFold fold;
  fold.add(baseline.trace_hash);
  nlohmann::json per_node = nlohmann::json::object();
  int runs = 0;
  bool history_kept = false;
  for (const std::string& node : nodes_to_crash(spec.crash_points, counted)) {
    if (counted.count(node) == 0) {
      result.problems.push_back("crash_points.nodes: '" + node +
                                "' made no durable step in the fault-free run");
      continue;
    }
    const int steps = std::min(counted[node], spec.crash_points.max_per_node);
    per_node[node] = {{"durable_steps", counted[node]}, {"crashed_at", steps}};
    for (int b = 1; b <= steps; ++b) {
      int seen = 0;
      RunResult r = run([&node, &seen, b](const std::string& at, const char*) {
        return at == node && ++seen == b;
      });
      ++runs;
      fold.add(r.trace_hash);
      if (r.verdict == Verdict::kPass && r.usage_error.empty()) continue;
      add_problems(node + " crashed after durable step " + std::to_string(b) + ": ", r, &result);
      if (!history_kept) {
        result.history = std::move(r.history);
        result.checks = std::move(r.checks);
        result.details["first_failure"] = {{"node", node}, {"step", b}};
        history_kept = true;
      }
    }
  }
  if (!history_kept) {
    result.history = std::move(baseline.history);
    result.checks = std::move(baseline.checks);
  }
  for (const auto& [node, steps] : counted) {
    if (!per_node.contains(node)) per_node[node] = {{"durable_steps", steps}, {"crashed_at", 0}};
  }
  result.trace_hash = fold.hex();
  result.trace_lines = std::move(baseline.trace_lines);
  result.details["crash_points"] = per_node;
  result.details["crash_runs"] = runs;
  result.details["fault_free"] = baseline.details;
  result.verdict = result.problems.empty() ? Verdict::kPass : Verdict::kFail;
  return result;
}

}  // namespace fl::harness
