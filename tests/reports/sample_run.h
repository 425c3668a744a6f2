// Realistic run directories for the report tests: a register-like workload on several processes
// with ok / fail / info completions (a process that ends in info is replaced by a new one, as in
// Jepsen), nemesis start/stop pairs, a heal-all, and checks with anomalies naming operations.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/history.h"

namespace fl::reports::testing {

struct SampleOptions {
  std::size_t clients = 5;
  std::size_t ops = 400;  // client operations (invocations)
  std::int64_t duration_ns = 20'000'000'000;
  std::uint64_t seed = 7;
  bool with_checks = true;
  std::string hostile_value = {};  // if set, one op's value and one problem carry this text
  // results.json "lanes" as compose::TimelineLog writes them: group "sagas" with kSampleLanes
  // lanes (bars ok / fail / compensated, a marker each); a problem names lane "saga-2".
  bool with_lanes = false;
  bool with_kill = true;  // the kill interval among the nemesis events (4 intervals, else 3)
};
constexpr std::size_t kSampleLanes = 3;

struct Sample {
  history::History history;
  nlohmann::json results;
  std::vector<std::string> trace;
  std::vector<std::int64_t> anomaly_ops;  // op indexes the anomalies name (invocations)
  std::int64_t anomaly_completion = -1;   // G-single also names anomaly_ops[2]'s completion
  std::size_t processes = 0;              // distinct client processes used
  std::size_t nemesis_intervals = 0;
};

Sample make_sample(const SampleOptions& options);

// Writes results.json, history.jsonl and trace.txt into dir (created).
void write_sample(const Sample& sample, const std::filesystem::path& dir);

// A fresh empty directory under the system temp dir, unique per test name.
std::filesystem::path fresh_dir(const std::string& name);

// The whole file as a string ("" if missing).
std::string slurp(const std::filesystem::path& path);

// Occurrences of needle in haystack.
std::size_t count_of(const std::string& haystack, const std::string& needle);

}  // namespace fl::reports::testing

namespace fl::reports::testing {

// A main job's directory (what .ci/main-job leaves) for the dashboard tests: main-job.json and
// three sweeps — "good" (3 seeds pass), "flaky" (seed 2 of 1..3 fails unexpectedly), "x-bug"
// (a known-bug variant, expected to fail: caught at seeds 1 and 3) — plus "broken", a scenario
// whose sweep left no sweep.json. `hostile` is put into a reproduce command and the build id.
// Returns the manifest written.
nlohmann::json write_sample_main_job(const std::filesystem::path& dir,
                                     const std::string& hostile = "");

}  // namespace fl::reports::testing

namespace fl::reports::testing {

// What `faultline shrink` leaves in a failing run's directory, for the shrink page's tests: the
// original run (5 clients, 400 operations, 20 s, 4 faults) in dir, the smallest reproduction
// (3 clients, 60 operations, 5 s, no kill) in dir/shrink/3, and dir/shrink.json naming it
// (knobs: duration_s 20 -> 5, workload.0.concurrency 5 -> 3, op_limit 400 -> 60, one unchanged
// knob; three steps). `hostile` goes into a knob's key. Returns the shrink.json written.
nlohmann::json write_sample_shrink(const std::filesystem::path& dir,
                                   const std::string& hostile = "");

}  // namespace fl::reports::testing
