// What a run report is drawn from: a run directory's files, read and validated, and the model
// derived from them (operations paired into spans, nemesis intervals, checker anomalies).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/history.h"

namespace fl::reports {

// Named limits: what a report keeps from a run of any size.
constexpr std::size_t kMaxTraceLinesHead = 400;  // trace lines shown from the start ...
constexpr std::size_t kMaxTraceLinesTail = 400;  // ... and from the end
constexpr std::size_t kMaxTraceLineChars = 400;
constexpr std::size_t kMaxTraceBytes = 512u << 20;  // a larger trace.txt is refused
constexpr std::size_t kMaxResultsBytes = 64u << 20;
constexpr std::size_t kMaxAnomaliesPerCheck = 200;
constexpr std::size_t kMaxOpsPerAnomaly = 50;
constexpr std::size_t kMaxChecks = 100;
constexpr std::size_t kMaxModelWarnings = 20;

inline const nlohmann::json kNoValue = nullptr;

// One client operation: its invocation and its completion (if any) on the same process.
struct Span {
  std::int64_t process = 0;
  std::string f;
  // The values point into RunData::history (which outlives the spans): no copies of big values.
  const nlohmann::json* invoke_value = &kNoValue;
  const nlohmann::json* end_value = &kNoValue;
  history::OpType end = history::OpType::kInvoke;  // kInvoke: never completed
  std::int64_t invoke_index = -1;                  // -1: a completion without an invocation
  std::int64_t end_index = -1;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;  // == start_ns when never completed
  std::string error;        // the completion's "error" field, if any
  bool anomalous = false;   // named by some anomaly

  std::int64_t id() const { return invoke_index >= 0 ? invoke_index : end_index; }
  std::int64_t latency_ns() const { return end_ns - start_ns; }
  bool completed() const { return end != history::OpType::kInvoke; }
};

// A fault in effect: from start-<kind> to stop-<kind>, heal-all, or the end of the history.
struct NemesisInterval {
  std::string kind;
  std::string targets;  // the start op's value as text (truncated)
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::int64_t start_index = 0;
  std::string ended_by;  // "stop", "heal-all" or "end of history"
};

struct Anomaly {
  std::string type;
  std::string explanation;
  std::vector<std::int64_t> ops;  // history indexes as the checker gave them
  std::size_t ops_total = 0;      // before the kMaxOpsPerAnomaly cut
};

struct Check {
  std::string name;
  std::string valid;     // "true", "false" or "unknown"
  nlohmann::json other;  // the check's result without its anomalies
  std::vector<Anomaly> anomalies;
  std::size_t anomalies_total = 0;  // before the kMaxAnomaliesPerCheck cut
};

// A system's lane (results.json "lanes", written by a composition's compose::TimelineLog): bars
// and markers on one row, e.g. one saga's steps. Times are on the history's clock.
struct SystemBar {
  std::int64_t from_ns = 0, to_ns = 0;
  std::string label, outcome;
};
struct SystemMarker {
  std::int64_t at_ns = 0;
  std::string label, outcome;
};
struct SystemLane {
  std::string group, name;
  std::vector<std::string> keys;  // texts a problem names this lane by
  std::vector<SystemBar> bars;
  std::vector<SystemMarker> markers;
  std::int64_t problem = -1;  // index into results.problems of the first problem naming it
};
constexpr std::size_t kMaxSystemLanesRead = 20'000;
constexpr std::size_t kMaxSystemEventsRead = 200'000;

struct RunData {
  RunData() = default;
  RunData(const RunData&) = delete;  // spans point into `history`
  RunData& operator=(const RunData&) = delete;

  std::string dir;
  nlohmann::json results;  // an object
  bool have_history = false;
  history::History loaded;                    // read from history.jsonl, unless ...
  const history::History* history = &loaded;  // ... the caller lent one already in memory
  bool have_trace = false;
  std::vector<std::string> trace_head, trace_tail;
  std::size_t trace_lines = 0;
  // Derived.
  std::vector<Span> spans;                            // ordered by start time, then id
  std::map<std::int64_t, std::size_t> span_by_index;  // invoke and completion index -> span
  std::vector<NemesisInterval> nemesis;
  std::vector<std::int64_t> heal_ns;
  std::vector<Check> checks;
  std::int64_t t0_ns = 0, t1_ns = 0;     // the history's time range (t1 > t0)
  std::vector<SystemLane> system_lanes;  // from results.json "lanes"
  std::size_t system_lanes_dropped = 0;  // what the recorder or the reader left out
  std::vector<std::string> warnings;     // oddities in the history, shown on the page
  std::size_t warnings_total = 0;
};

// Reads the run directory's files into *out (dir, results, history, trace). Returns "" or an
// error naming the file. Missing history.jsonl or trace.txt is not an error (have_* = false).
// With `lent` non-null, history.jsonl is not read: *lent is used (it must outlive *out).
std::string load_run(const std::string& dir, const history::History* lent, RunData* out);

// Parses results.json's "checks" into out->checks. Returns "" or an error naming the field.
std::string parse_checks(RunData* out);

// Pairs operations into spans, finds nemesis intervals and heal times, marks anomalous spans
// and sets the time range. Never fails: oddities become warnings.
void build_model(RunData* out);

// Reads results.json "lanes" into out->system_lanes (reports/system_lanes.cc) and links each
// lane to the first problem that contains one of its keys. Never fails: a malformed "lanes" is a
// warning, and the lanes read so far are kept.
void parse_system_lanes(RunData* out);

// The span an op index belongs to (as invocation or completion), or -1.
std::int64_t span_of_index(const RunData& run, std::int64_t op_index);

}  // namespace fl::reports
