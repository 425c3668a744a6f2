// HTML reports for runs and sweeps. A run's report is ONE self-contained file (inline CSS, inline
// SVG, a few lines of inline script, nothing fetched from the network) that a reader opens from
// disk: the run's header (scenario, seed, mode, verdict, trace hash, reproduce command, drawn
// faults), a timeline of operations per process with nemesis intervals shaded, a latency scatter
// and a throughput plot, and each checker anomaly explained with links into the timeline.
//
// Every text that comes from a run (op values, fault targets, explanations, problems) is escaped:
// nothing in a history can inject markup or script into the page.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "history/history.h"

namespace fl::reports {

// Reads run_dir/results.json (required), run_dir/history.jsonl and run_dir/trace.txt, and writes
// run_dir/report.html. Returns "" on success, else a one-line error naming the file and what was
// wrong (missing or malformed results.json, malformed history.jsonl, unreadable trace.txt, an
// unwritable output). A run directory written before histories were recorded (no history.jsonl)
// or without a trace still gets a report: the page says plainly what was absent. Never throws.
std::string write_run_report(const std::string& run_dir);

// The same, for a caller that holds the run's history in memory already (the run command): the
// history is used as given and history.jsonl is not read again, which saves parsing it (the
// larger part of a report's cost). Same page as the one-argument form for the same history.
std::string write_run_report(const std::string& run_dir, const history::History& history);

// Writes run_dir/shrink.html, the diff view of a shrink: the failing run in run_dir beside the
// smallest reproduction `faultline shrink` found, read from run_dir/shrink.json (its knobs,
// steps and command) and both runs' results.json and history.jsonl: verdict, failing checks and
// anomaly classes, duration, clients, operations, keys and faults side by side, what shrink
// changed, both runs' faults on one time scale, each check in both, and the search's steps.
// Returns "" or an error naming the file: no shrink.json (the run was never shrunk), a malformed
// one, or either run directory unreadable. Never throws.
std::string write_shrink_page(const std::string& run_dir);

// Writes sweep_dir/index.html for a sweep. `sweep` is
//   {"scenario", "mode", "seeds": [{"seed", "result", "dir", "wall_ms", "problems": [..]}],
//    "summary": {...}}
// where "dir" is the run directory relative to sweep_dir. Failing seeds come first (fail, then
// unknown, then pass; by seed within each), each linking to its dir/report.html. Returns "" or an
// error (malformed sweep object, unwritable output). Unknown fields are ignored. Never throws.
std::string write_sweep_index(const std::string& sweep_dir, const nlohmann::json& sweep);

// Writes dir/index.html for the main job (.ci/main-job): a dashboard of every scenario swept.
// `manifest` is dir/main-job.json:
//   {"build", "date", "machine", "jobs", "wall_s",
//    "scenarios": [{"name", "dir" (default: name), "expect": "pass"|"fail", "verdict", "ok"}]}
// and each scenario's figures come from dir/<dir>/sweep.json (seeds, pass/fail/unknown,
// seeds/hour, peak_rss_kb, failing seeds with their reproduce commands). A scenario without a
// readable sweep.json is a row saying so. Returns "" or an error (malformed manifest, unwritable
// output). Never throws.
std::string write_main_index(const std::string& dir, const nlohmann::json& manifest);

}  // namespace fl::reports
