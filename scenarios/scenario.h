// Scenario registry: what `faultline run <scenario>` can execute. The composition root is the
// only place where sim/ or real/ meets system/.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/history.h"

namespace fl::scenarios {

enum class Verdict { kPass, kFail, kUnknown };
const char* to_string(Verdict verdict);

struct RunOptions {
  std::string scenario;
  std::uint64_t seed = 1;
  std::string mode = "sim";            // sim | real
  std::vector<std::string> overrides;  // --set key=value (TOML scenarios only)
};

struct RunResult {
  Verdict verdict = Verdict::kUnknown;
  std::string trace_hash;                             // 16 hex digits (sim); empty in real mode
  std::vector<std::string> problems;                  // each violated invariant, in words
  nlohmann::json details = nlohmann::json::object();  // counters, drawn faults, stats
  std::vector<std::string> trace_lines;               // high-level trace (written to trace.txt)
  history::History history;                           // written to history.jsonl when non-empty
  // One entry per checker: {"name", "valid": true|false|"unknown", "result": {..., "anomalies"}}.
  nlohmann::json checks = nlohmann::json::array();
  nlohmann::json drawn = nlohmann::json::object();  // what the seed drew (swarm)
  // Set when the scenario could not run as given (bad file, refused fault): exit 2.
  std::string usage_error;
};

struct ScenarioInfo {
  std::string name;
  std::string description;
  std::vector<std::string> modes;
  std::function<RunResult(const RunOptions&)> run;
};

const std::vector<ScenarioInfo>& all_scenarios();
const ScenarioInfo* find_scenario(const std::string& name);

// Built-in scenarios.
RunResult run_selftest(const RunOptions& options);
// The selftest over real HTTP on loopback (no faults).
RunResult run_selftest_real(const RunOptions& options);
// The selftest against a service with a known bug (a stale reply cache): must fail.
RunResult run_selftest_stale_reply(const RunOptions& options);

}  // namespace fl::scenarios
