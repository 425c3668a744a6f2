// What one run of a scenario produced (harness/run.h runs scenario files; every scenario is one):
// the verdict, the problems in words, the history and the checks, and what the seed drew.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/history.h"

namespace fl::harness {

// Exit codes of the `faultline` command and of every harness entry point that runs as one:
//   0 pass / valid / ok, 1 a check failed, 2 bad usage or bad input (with a message),
//   3 the harness itself failed (nondeterminism on replay, an internal error).
constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;
constexpr int kExitHarness = 3;

// Parses a whole decimal uint64 ("42"); false on anything else (sign, spaces, overflow).
bool parse_u64(const std::string& text, std::uint64_t* value);

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
  nlohmann::json lanes = nlohmann::json::object();  // the system's lanes (compose/timeline.h)
  // Set when the scenario could not run as given (bad file, refused fault): exit 2.
  std::string usage_error;
};

}  // namespace fl::harness
