// What one run amounted to (RunFacts) and the diff page's tables that set two runs side by side.
// Nothing here knows a scenario or a system: keys are found in the shapes histories use for them
// (a "key" field, a [key, value] pair, Elle's micro-ops [f, key, value]).
#include <algorithm>

#include "reports/html.h"
#include "reports/page.h"
#include "reports/shrink/diff.h"

namespace fl::reports {
namespace {

constexpr std::size_t kMaxKeyChars = 200;
constexpr std::size_t kMaxMicroOps = 1'000;  // micro-ops of one transaction looked at

bool scalar(const nlohmann::json& j) { return j.is_string() || j.is_number(); }

// Adds the keys an operation's value names to *keys (bounded by kMaxKeysCounted).
void add_keys(const nlohmann::json& v, std::set<std::string>* keys) {
  auto add = [&](const nlohmann::json& k) {
    if (keys->size() < kMaxKeysCounted && scalar(k)) keys->insert(json_text(k, kMaxKeyChars));
  };
  if (v.is_object()) {
    if (v.contains("key")) add(v["key"]);
    return;
  }
  if (!v.is_array() || v.empty()) return;
  const bool micro_ops = std::all_of(v.begin(), v.end(), [](const nlohmann::json& m) {
    return m.is_array() && m.size() >= 2 && m[0].is_string();
  });
  if (micro_ops) {
    for (std::size_t i = 0; i < v.size() && i < kMaxMicroOps; ++i) add(v[i][1]);
  } else if (v.size() == 2 && scalar(v[0])) {
    add(v[0]);
  }
}

std::size_t slot_of(history::OpType end) {
  switch (end) {
    case history::OpType::kOk:
      return 0;
    case history::OpType::kFail:
      return 1;
    case history::OpType::kInfo:
      return 2;
    case history::OpType::kInvoke:
      break;
  }
  return 3;
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "none" : out;
}

std::string by_kind(const std::map<std::string, std::size_t>& m) {
  std::string out;
  for (const auto& [kind, n] : m)
    out += (out.empty() ? "" : ", ") + kind + " \xC3\x97" + count_text(n);
  return out;
}

// One row of a two-run table; `cls` "changed" when the two differ.
std::string row(const std::string& what, const std::string& a, const std::string& b) {
  return "<tr class=\"" + std::string(a == b ? "same" : "changed") + "\"><th>" + esc(what) +
         "</th><td>" + esc(a) + "</td><td>" + esc(b) + "</td></tr>";
}

std::string table_head(const char* id, const char* first) {
  return std::string("<table class=\"diff\" id=\"") + id + "\"><tr><th>" + first +
         "</th><th>original</th><th>smallest reproduction</th></tr>";
}

}  // namespace

RunFacts run_facts(const RunData& run) {
  RunFacts f;
  const auto& r = run.results;
  if (r.contains("result")) f.verdict = json_text(r["result"], 40);
  if (r.contains("trace_hash")) f.trace_hash = json_text(r["trace_hash"], 80);
  if (r.contains("problems") && r["problems"].is_array()) f.problems = r["problems"].size();
  f.duration_ns = run.have_history ? run.t1_ns - run.t0_ns : 0;
  std::set<std::int64_t> processes;
  std::set<std::string> keys;
  for (const Span& s : run.spans) {
    processes.insert(s.process);
    const std::size_t slot = slot_of(s.end);
    ++f.ops_by_f[s.f][slot];
    (slot == 0 ? f.ok : slot == 1 ? f.fail : slot == 2 ? f.info : f.pending)++;
    add_keys(*s.invoke_value, &keys);
  }
  f.processes = processes.size();
  f.operations = run.spans.size();
  f.keys = keys.size();
  f.keys_capped = keys.size() >= kMaxKeysCounted;
  f.faults = run.nemesis.size();
  for (const auto& n : run.nemesis) ++f.faults_by_kind[n.kind];
  for (const Check& c : run.checks) {
    if (c.valid != "false") continue;
    f.failing_checks.insert(c.name);
    for (const Anomaly& a : c.anomalies) f.anomaly_classes.insert(c.name + ": " + a.type);
  }
  return f;
}

std::string diff_table_html(const RunFacts& a, const RunFacts& b) {
  auto ops = [](const RunFacts& f) {
    return count_text(f.operations) + " (" + count_text(f.ok) + " ok, " + count_text(f.fail) +
           " fail, " + count_text(f.info) + " info, " + count_text(f.pending) + " open)";
  };
  auto keys = [](const RunFacts& f) {
    return f.keys == 0 ? std::string("-") : count_text(f.keys) + (f.keys_capped ? "+" : "");
  };
  auto faults = [](const RunFacts& f) {
    return count_text(f.faults) + (f.faults == 0 ? "" : ": " + by_kind(f.faults_by_kind));
  };
  std::string out = table_head("diff-table", "");
  out += row("verdict", a.verdict, b.verdict);
  out += row("failing checks", join(a.failing_checks), join(b.failing_checks));
  out += row("anomaly classes", join(a.anomaly_classes), join(b.anomaly_classes));
  out += row("duration", duration_text(a.duration_ns), duration_text(b.duration_ns));
  out += row("clients (processes)", count_text(a.processes), count_text(b.processes));
  out += row("client operations", ops(a), ops(b));
  out += row("keys named", keys(a), keys(b));
  out += row("faults (nemesis intervals)", faults(a), faults(b));
  out += row("problems", count_text(a.problems), count_text(b.problems));
  out += row("trace hash", a.trace_hash, b.trace_hash);
  return out + "</table>";
}

std::string knobs_html(const nlohmann::json& shrink) {
  std::string changed, same;
  const nlohmann::json knobs = shrink.value("knobs", nlohmann::json::array());
  for (std::size_t i = 0; knobs.is_array() && i < knobs.size() && i < kMaxDiffRows; ++i) {
    const nlohmann::json& k = knobs[i];
    if (!k.is_object() || !k.contains("key")) continue;
    const std::string from = k.contains("from") ? json_text(k["from"], 400) : "?";
    const std::string to = k.contains("to") ? json_text(k["to"], 400) : "?";
    (from == to ? same : changed) += row(json_text(k["key"], 200), from, to);
  }
  std::string out = table_head("knobs", "knob (--set key)") + changed + same + "</table>";
  if (changed.empty())
    out += "<p>Shrink changed no knob: the original is the smallest it found.</p>";
  const nlohmann::json orig_set = shrink.contains("original") && shrink["original"].is_object()
                                      ? shrink["original"].value("set", nlohmann::json::array())
                                      : nlohmann::json::array();
  out += "<div class=\"cards\"><div class=\"card\"><h3>--set of the original</h3>" +
         json_tables(orig_set) + "</div><div class=\"card\"><h3>--set of the smallest</h3>" +
         json_tables(shrink.value("set", nlohmann::json::array())) + "</div></div>";
  return out;
}

std::string checks_diff_html(const RunData& a, const RunData& b) {
  auto describe = [](const RunData& run, const std::string& name) {
    for (const Check& c : run.checks) {
      if (c.name != name) continue;
      std::map<std::string, std::size_t> types;
      for (const Anomaly& x : c.anomalies) ++types[x.type];
      std::string out = c.valid;
      if (!types.empty()) out += ": " + by_kind(types);
      if (c.anomalies_total > c.anomalies.size())
        out += " (of " + count_text(c.anomalies_total) + ")";
      return out;
    }
    return std::string("(not run)");
  };
  std::set<std::string> names;
  for (const Check& c : a.checks) names.insert(c.name);
  for (const Check& c : b.checks) names.insert(c.name);
  std::string out = table_head("checks-diff", "check");
  std::size_t n = 0;
  for (const auto& name : names) {
    if (n++ >= kMaxDiffRows) break;
    const std::string da = describe(a, name), db = describe(b, name);
    const bool failing = da.rfind("false", 0) == 0 || db.rfind("false", 0) == 0;
    out += "<tr class=\"" + std::string(failing ? "failing" : "same") + "\"><th>" + esc(name) +
           "</th><td>" + esc(da) + "</td><td>" + esc(db) + "</td></tr>";
  }
  return out + "</table>";
}

std::string ops_diff_html(const RunFacts& a, const RunFacts& b) {
  std::set<std::string> fs;
  for (const auto& [f, c] : a.ops_by_f) fs.insert(f);
  for (const auto& [f, c] : b.ops_by_f) fs.insert(f);
  auto counts = [](const RunFacts& facts, const std::string& f) {
    const auto it = facts.ops_by_f.find(f);
    if (it == facts.ops_by_f.end()) return std::string("-");
    const auto& c = it->second;
    return count_text(c[0]) + " / " + count_text(c[1]) + " / " + count_text(c[2]) + " / " +
           count_text(c[3]);
  };
  std::string out = table_head("ops-diff", "f: ok / fail / info / never completed");
  std::size_t n = 0;
  for (const auto& f : fs) {
    if (n++ >= kMaxDiffRows) break;
    out += row(f, counts(a, f), counts(b, f));
  }
  return out + "</table>";
}

}  // namespace fl::reports
