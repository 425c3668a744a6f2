// The search of `faultline shrink`, apart from processes and files so that it can be tested on a
// fake runner: greedy delta debugging over "knobs" (scenario parameters settable with --set) with
// a run budget, keeping the same failure.
//
// Knobs are integers (duration, concurrency, operation limit, number and length of faults),
// shrunk by trying their minimum first and then bisecting between the smallest value known to
// fail and the largest known not to; and lists (the fault kinds of a mix), shrunk by dropping one
// element at a time while more than one is left. Passes over all knobs repeat until a pass
// changes nothing, the pass limit, or the run budget. Every run re-uses the original seed; a
// candidate is kept only if same_failure() holds.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace fl::harness {

struct Knob {
  enum class Kind { kInteger, kList };
  std::string key;  // dotted scenario key, as --set takes it
  Kind kind = Kind::kInteger;
  std::int64_t value = 0, minimum = 0, initial = 0;  // kInteger
  nlohmann::json items = nlohmann::json::array();    // kList: the current elements
  std::size_t initial_items = 0;

  static Knob integer(std::string key, std::int64_t value, std::int64_t minimum);
  static Knob list(std::string key, nlohmann::json items);
  bool changed() const;
  // "key=value" with the value in TOML syntax.
  std::string assignment() const;
};

// What a run showed: its verdict and its failure signature.
struct Trial {
  std::string result;                      // pass | fail | unknown
  std::set<std::string> failing_checkers;  // names of checkers that said false
  std::set<std::string> signature;         // "checker:anomaly-type" (or "problem:<words>")
};

// The signature of a run from its results.json.
Trial trial_from_results(const nlohmann::json& results);

// The same failure: the candidate fails, with the same failing checkers, sharing at least one
// anomaly type (or problem) with the original.
bool same_failure(const Trial& original, const Trial& candidate);

// Runs the scenario with these extra --set assignments (after the original ones).
using ShrinkRunner = std::function<Trial(const std::vector<std::string>& assignments)>;

struct ShrinkStep {
  std::vector<std::string> assignments;
  Trial trial;
  bool kept = false;
};

struct ShrinkOutcome {
  std::vector<Knob> knobs;  // final values
  std::vector<ShrinkStep> steps;
  int runs = 0;
  bool budget_exhausted = false;
  // The assignments of the smallest reproduction (changed knobs only).
  std::vector<std::string> assignments() const;
};

constexpr int kMaxShrinkPasses = 4;
constexpr int kMaxShrinkBudget = 10000;

// REQUIRES: original.result == "fail"; 1 <= max_runs <= kMaxShrinkBudget.
ShrinkOutcome shrink_search(std::vector<Knob> knobs, const Trial& original, const ShrinkRunner& run,
                            int max_runs);

// Renders JSON as a TOML value (inline arrays and tables), for --set.
std::string toml_value(const nlohmann::json& value);

}  // namespace fl::harness
