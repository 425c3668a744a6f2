// The checks section: each check's verdict and output, and each anomaly explained with the
// operations it names, listed and linked to their bars in the timeline ("#op-<index>").
#include "reports/html.h"
#include "reports/page.h"

namespace fl::reports {
namespace {

constexpr std::size_t kMaxValueChars = 160;
constexpr std::size_t kMaxOtherChars = 6000;

std::string badge(const std::string& valid) {
  const std::string cls = valid == "true" ? "pass" : valid == "false" ? "fail" : "unknown";
  const std::string text = valid == "true" ? "valid" : valid == "false" ? "invalid" : "unknown";
  return "<span class=\"verdict " + cls + "\">" + text + "</span>";
}

// The anchor an op index links to: its span's bar, or "" when it has none.
std::string anchor_of(const RunData& run, std::int64_t index) {
  const std::int64_t s = span_of_index(run, index);
  return s < 0 ? "" : "op-" + std::to_string(run.spans[static_cast<std::size_t>(s)].id());
}

// One row per operation: `indexes` are the checker's references to it (its invocation, its
// completion or both), shown together in one link to its bar.
std::string op_row(const RunData& run, const std::vector<std::int64_t>& indexes) {
  FL_REPORT_ASSERT(!indexes.empty());
  std::string label;
  for (std::int64_t index : indexes) label += (label.empty() ? "#" : " #") + std::to_string(index);
  const std::int64_t si = span_of_index(run, indexes.front());
  if (si < 0) {
    return "<tr><td>" + label + "</td><td colspan=\"7\" class=\"missing\">" +
           (run.have_history ? "not a client operation of this history"
                             : "no history.jsonl to look it up in") +
           "</td></tr>";
  }
  const Span& s = run.spans[static_cast<std::size_t>(si)];
  std::string out = "<tr><td><a class=\"oplink\" href=\"#" + anchor_of(run, indexes.front()) +
                    "\">" + label + "</a></td><td>p" + std::to_string(s.process) + "</td><td>" +
                    esc(truncate_text(s.f, 60)) + "</td><td>" +
                    (s.completed() ? history::to_string(s.end) : "never completed") + "</td>";
  out += "<td>" + esc(duration_text(s.start_ns - run.t0_ns)) + "</td>";
  out += "<td class=\"v\">" + esc(json_text(*s.invoke_value, kMaxValueChars)) + "</td>";
  out += "<td class=\"v\">" + esc(json_text(*s.end_value, kMaxValueChars)) +
         (s.error.empty() ? "" : " (" + esc(s.error) + ")") + "</td>";
  out += "<td>" + (s.completed() ? esc(duration_text(s.latency_ns())) : "") + "</td></tr>";
  return out;
}

// The anomaly's op indexes grouped by the operation they belong to, in order of first mention.
std::vector<std::vector<std::int64_t>> group_by_span(const RunData& run, const Anomaly& a) {
  std::vector<std::vector<std::int64_t>> groups;
  std::map<std::int64_t, std::size_t> group_of_span;
  for (std::int64_t index : a.ops) {  // bounded by kMaxOpsPerAnomaly
    const std::int64_t span = span_of_index(run, index);
    auto it = span < 0 ? group_of_span.end() : group_of_span.find(span);
    if (it != group_of_span.end()) {
      groups[it->second].push_back(index);
      continue;
    }
    if (span >= 0) group_of_span[span] = groups.size();
    groups.push_back({index});
  }
  return groups;
}

std::string anomaly_html(const RunData& run, const Anomaly& a, const std::string& id) {
  std::string ops;
  for (std::int64_t index : a.ops) {
    const std::string anchor = anchor_of(run, index);
    if (!anchor.empty()) ops += (ops.empty() ? "" : " ") + anchor;
  }
  std::string out = "<div class=\"anomaly\" id=\"" + id + "\" data-ops=\"" + esc(ops) + "\"><h4>" +
                    esc(truncate_text(a.type, 120)) + "</h4>";
  if (!a.explanation.empty()) out += "<p class=\"expl\">" + esc(a.explanation) + "</p>";
  if (a.ops.empty()) return out + "<p><i>The checker named no operations.</i></p></div>";
  out +=
      "<table class=\"ops\"><tr><th>op</th><th>process</th><th>f</th><th>outcome</th>"
      "<th>invoked at</th><th>value</th><th>result</th><th>latency</th></tr>";
  for (const auto& indexes : group_by_span(run, a)) out += op_row(run, indexes);
  out += "</table>";
  if (a.ops_total > a.ops.size()) {
    out += "<p>\xE2\x80\xA6 and " + count_text(a.ops_total - a.ops.size()) +
           " more operations (limit " + count_text(kMaxOpsPerAnomaly) + ").</p>";
  }
  return out + "</div>";
}

std::string check_html(const RunData& run, const Check& c, std::size_t ci) {
  std::string out = "<div class=\"check\" id=\"check-" + std::to_string(ci) + "\"><h3>" +
                    esc(c.name) + " " + badge(c.valid) + "</h3>";
  if (!c.other.empty()) {
    out += "<details><summary>checker output</summary><pre class=\"v\">" +
           esc(truncate_text(c.other.dump(2, ' ', false, nlohmann::json::error_handler_t::replace),
                             kMaxOtherChars)) +
           "</pre></details>";
  }
  if (c.anomalies_total == 0) return out + "<p>No anomalies.</p></div>";
  out += "<p>" + count_text(c.anomalies_total) + " anomal" +
         (c.anomalies_total == 1 ? "y" : "ies") + ":</p>";
  for (std::size_t ai = 0; ai < c.anomalies.size(); ++ai) {
    out += anomaly_html(run, c.anomalies[ai],
                        "anomaly-" + std::to_string(ci) + "-" + std::to_string(ai));
  }
  if (c.anomalies_total > c.anomalies.size()) {
    out += "<p>\xE2\x80\xA6 and " + count_text(c.anomalies_total - c.anomalies.size()) +
           " more anomalies (limit " + count_text(kMaxAnomaliesPerCheck) + ").</p>";
  }
  return out + "</div>";
}

}  // namespace

std::string checks_html(const RunData& run) {
  std::string out = "<section id=\"anomalies\"><h2>Checks &amp; anomalies</h2>";
  if (run.checks.empty()) {
    out += "<p>This run's results.json lists no checks";
    if (run.results.contains("problems") && !run.results["problems"].empty()) {
      out += " (its problems are in the summary above)";
    }
    out += ".</p>";
  }
  for (std::size_t ci = 0; ci < run.checks.size(); ++ci) {
    out += check_html(run, run.checks[ci], ci);
  }
  return out + "</section>";
}

}  // namespace fl::reports
