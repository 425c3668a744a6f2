// The model a report draws: client operations paired into spans (invocation to completion on
// the same process, as Jepsen's histories pair them), nemesis intervals from start-<kind> /
// stop-<kind> / heal-all, and the spans that anomalies name.
#include <algorithm>

#include "reports/html.h"
#include "reports/run_data.h"

namespace fl::reports {
namespace {

constexpr std::size_t kMaxTargetChars = 120;

void warn(RunData* run, std::string text) {
  ++run->warnings_total;
  if (run->warnings.size() < kMaxModelWarnings) run->warnings.push_back(std::move(text));
}

std::string error_field(const history::Op& op) {
  if (!op.extra.contains("error")) return "";
  return json_text(op.extra["error"], 300);
}

void add_client_op(const history::Op& op, std::map<std::int64_t, std::size_t>* open, RunData* run) {
  const std::string at =
      "op " + std::to_string(op.index) + " (process " + std::to_string(op.process) + ")";
  if (op.type == history::OpType::kInvoke) {
    if (open->count(op.process)) warn(run, at + ": invoked again before completing");
    Span s;
    s.process = op.process;
    s.f = op.f;
    s.invoke_value = &op.value;
    s.invoke_index = op.index;
    s.start_ns = s.end_ns = op.time_ns;
    (*open)[op.process] = run->spans.size();
    run->spans.push_back(std::move(s));
    return;
  }
  auto it = open->find(op.process);
  if (it == open->end()) {
    warn(run, at + ": a completion without an invocation");
    Span s;
    s.process = op.process;
    s.f = op.f;
    s.start_ns = op.time_ns;
    run->spans.push_back(std::move(s));
    it = open->emplace(op.process, run->spans.size() - 1).first;
  }
  Span& s = run->spans[it->second];
  if (s.f != op.f) warn(run, at + ": completes '" + s.f + "' as '" + op.f + "'");
  s.end = op.type;
  s.end_index = op.index;
  s.end_value = &op.value;
  s.end_ns = std::max(op.time_ns, s.start_ns);
  if (op.time_ns < s.start_ns) warn(run, at + ": completes before its invocation");
  s.error = error_field(op);
  open->erase(it);
}

struct NemesisState {
  std::map<std::string, std::size_t> open;  // kind -> interval index
};

void close_interval(RunData* run, std::size_t i, std::int64_t t, const char* why) {
  NemesisInterval& n = run->nemesis[i];
  n.end_ns = std::max(t, n.start_ns);
  n.ended_by = why;
}

void add_nemesis_op(const history::Op& op, NemesisState* st, RunData* run) {
  if (op.type == history::OpType::kInvoke) return;  // Jepsen logs invoke + info; use the info
  const std::string& f = op.f;
  if (f == "heal-all") {
    for (const auto& [kind, i] : st->open) close_interval(run, i, op.time_ns, "heal-all");
    st->open.clear();
    run->heal_ns.push_back(op.time_ns);
    return;
  }
  const bool start = f.rfind("start-", 0) == 0;
  const bool stop = f.rfind("stop-", 0) == 0;
  const std::string kind = start ? f.substr(6) : stop ? f.substr(5) : f;
  auto it = st->open.find(kind);
  if (stop) {
    if (it == st->open.end()) {
      warn(run, "op " + std::to_string(op.index) + ": " + f + " without a start-" + kind);
      return;
    }
    close_interval(run, it->second, op.time_ns, "stop");
    st->open.erase(it);
    return;
  }
  if (start && it != st->open.end()) {
    close_interval(run, it->second, op.time_ns, "replaced by a new start");
    st->open.erase(it);
  }
  NemesisInterval n;
  n.kind = kind;
  n.targets = op.value.is_null() ? "" : json_text(op.value, kMaxTargetChars);
  n.start_ns = n.end_ns = op.time_ns;
  n.start_index = op.index;
  n.ended_by = start ? "" : "instant";
  if (start) st->open[kind] = run->nemesis.size();
  run->nemesis.push_back(std::move(n));
}

void set_time_range(RunData* run) {
  const auto& ops = run->history->ops;
  if (ops.empty()) {
    run->t0_ns = 0;
    run->t1_ns = 1;
    return;
  }
  run->t0_ns = run->t1_ns = ops.front().time_ns;
  for (const auto& op : ops) {
    run->t0_ns = std::min(run->t0_ns, op.time_ns);
    run->t1_ns = std::max(run->t1_ns, op.time_ns);
  }
  if (run->t1_ns <= run->t0_ns) run->t1_ns = run->t0_ns + 1;
}

void index_spans(RunData* run) {
  std::stable_sort(run->spans.begin(), run->spans.end(), [](const Span& a, const Span& b) {
    return a.start_ns != b.start_ns ? a.start_ns < b.start_ns : a.id() < b.id();
  });
  for (std::size_t i = 0; i < run->spans.size(); ++i) {
    const Span& s = run->spans[i];
    if (s.invoke_index >= 0) run->span_by_index[s.invoke_index] = i;
    if (s.end_index >= 0) run->span_by_index[s.end_index] = i;
  }
  for (const Check& c : run->checks) {
    for (const Anomaly& a : c.anomalies) {
      for (std::int64_t index : a.ops) {
        auto it = run->span_by_index.find(index);
        if (it != run->span_by_index.end()) run->spans[it->second].anomalous = true;
      }
    }
  }
}

}  // namespace

void build_model(RunData* run) {
  FL_REPORT_ASSERT(run != nullptr && run->spans.empty() && run->nemesis.empty());
  set_time_range(run);
  std::map<std::int64_t, std::size_t> open;  // process -> its pending span
  NemesisState nemesis;
  for (const auto& op : run->history->ops) {  // bounded by history::kMaxOps
    if (op.process == history::kNemesisProcess) {
      add_nemesis_op(op, &nemesis, run);
    } else {
      add_client_op(op, &open, run);
    }
  }
  for (const auto& [kind, i] : nemesis.open) close_interval(run, i, run->t1_ns, "end of history");
  index_spans(run);
  FL_REPORT_ASSERT(run->t1_ns > run->t0_ns);
}

std::int64_t span_of_index(const RunData& run, std::int64_t op_index) {
  auto it = run.span_by_index.find(op_index);
  return it == run.span_by_index.end() ? -1 : static_cast<std::int64_t>(it->second);
}

}  // namespace fl::reports
