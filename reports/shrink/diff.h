// The pieces of a shrink's diff page (shrink.html, reports/shrink/diff_page.cc): what one run
// amounted to (its facts), and the sections that set the original failing run beside the smallest
// reproduction `faultline shrink` found. Every function returns HTML with all run data escaped.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "reports/run_data.h"

namespace fl::reports {

constexpr std::size_t kMaxKeysCounted = 100'000;  // distinct keys remembered per run
constexpr std::size_t kMaxDiffRows = 200;         // rows per table of the page

// What a run amounted to, from its results.json and its model (build_model already ran).
struct RunFacts {
  std::string verdict, trace_hash;
  std::int64_t duration_ns = 0;
  std::size_t processes = 0, operations = 0;
  std::size_t ok = 0, fail = 0, info = 0, pending = 0;
  std::size_t keys = 0;      // distinct keys the client operations named (0: none found)
  bool keys_capped = false;  // kMaxKeysCounted reached
  std::size_t faults = 0;    // nemesis intervals
  std::map<std::string, std::size_t> faults_by_kind;
  std::map<std::string, std::array<std::size_t, 4>> ops_by_f;  // ok, fail, info, never completed
  std::set<std::string> failing_checks;                        // checks whose valid is false
  std::set<std::string> anomaly_classes;                       // "check: anomaly type"
  std::size_t problems = 0;
};

RunFacts run_facts(const RunData& run);

// The summary table: verdict, failing checks, anomaly classes, duration, clients, operations,
// keys, faults, problems and trace hash, original beside smallest; rows that differ are marked.
std::string diff_table_html(const RunFacts& original, const RunFacts& smallest);
// What shrink changed: each knob (shrink.json "knobs") from -> to, changed ones first, then the
// --set overrides of both runs.
std::string knobs_html(const nlohmann::json& shrink);
// Every check of either run with its verdict and anomaly types (and counts) in both.
std::string checks_diff_html(const RunData& original, const RunData& smallest);
// Client operations per function (f): ok / fail / info / never completed in both.
std::string ops_diff_html(const RunFacts& original, const RunFacts& smallest);

}  // namespace fl::reports
