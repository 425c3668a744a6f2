// Pieces of the report pages: the shared style sheet and script, and the run page's sections.
// Every function returns HTML with all run data escaped.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "reports/run_data.h"
#include "reports/svg.h"

namespace fl::reports {

// "<!DOCTYPE html>…<body>" with the style sheet and an escaped title.
std::string page_open(const std::string& title);
// Writes text to path through a temporary file and a rename. Returns "" or an error.
std::string write_file_atomically(const std::filesystem::path& path, const std::string& text);

// The inline <style> shared by the run report and the sweep index.
const std::string& style_sheet();
// The run report's inline <script>: selecting and highlighting linked operations. It marks each
// anomaly link "resolved" or "broken" once the page has loaded (a test reads that back).
const std::string& run_script();

// The header: scenario, seed, mode, verdict, trace hash, reproduce command.
std::string header_html(const RunData& run);
// Drawn faults, problems, details, and counts of what the history holds.
std::string summary_html(const RunData& run);
// Every check with its anomalies; each anomaly lists its operations linked to the timeline.
std::string checks_html(const RunData& run);
// The trace (first and last lines) in a collapsed section.
std::string trace_html(const RunData& run);
// Notes about limits and oddities, and files the run directory lacked.
std::string notes_html(const RunData& run, const Notes& notes);

// JSON as nested tables (reports/tables.cc): objects as key/value tables, arrays of objects as
// one table with a column per key, scalars as text; bounded in rows, columns and depth.
std::string json_tables(const nlohmann::json& j, int depth = 0);
// What the seed drew: one table per nemesis (its faults' kinds, targets and parameters, its
// schedule and counts), then anything else drawn.
std::string drawn_html(const nlohmann::json& drawn);

// Lowercase class name for a verdict: "pass", "fail", "unknown" or "other".
std::string verdict_class(const std::string& verdict);

}  // namespace fl::reports
