#include "tests/reports/sample_run.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace fl::reports::testing {

void finish_sample(const SampleOptions& o, Sample* s);

namespace {

// What results.json's "drawn" holds: a named nemesis (its faults, schedule and counts) and a
// swarm one (what it drew: the faults enabled and their options, around the means).
nlohmann::json drawn_json() {
  const nlohmann::json schedule = {{"duration_ms", 800}, {"interval_ms", 4000}};
  return {{"nemeses",
           {{{"name", "partition-isolate"},
             {"faults", {{{"fault", "partition"}, {"shape", "isolate"}}}},
             {"schedule", schedule},
             {"counts", {{"started", 2}, {"stopped", 2}, {"failed", 0}}}},
            {{"name", "swarm"},
             {"drew",
              {{"enabled", {"kill", "clock-skew"}},
               {"options", {{"kill", {{"targets", "one"}}}, {"clock-skew", {{"max_ms", 250}}}}},
               {"schedule", schedule}}},
             {"schedule",
              {{"faults",
                {{{"fault", "kill"}, {"targets", "one"}},
                 {{"fault", "clock-skew"}, {"max_ms", 250}, {"targets", "n4"}}}},
               {"counts", {{"started", 2}, {"stopped", 1}, {"failed", 0}}}}}}}}};
}

// A small deterministic generator (SplitMix64) so samples are the same on every machine.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % n); }
};

history::Op make_op(std::int64_t time, std::int64_t process, history::OpType type,
                    const std::string& f, nlohmann::json value) {
  history::Op op;
  op.time_ns = time;
  op.process = process;
  op.type = type;
  op.f = f;
  op.value = std::move(value);
  return op;
}

struct Event {
  history::Op op;
  std::int64_t order;  // tie-break for equal times
};

// Nemesis events: a partition, a kill with restart, then heal-all at 75% of the run.
void nemesis_events(const SampleOptions& o, std::vector<Event>* ev, Sample* s) {
  const std::int64_t d = o.duration_ns;
  const auto nem = [&](std::int64_t t, const std::string& f, nlohmann::json v) {
    ev->push_back({make_op(t, history::kNemesisProcess, history::OpType::kInfo, f, v), -1});
  };
  nem(d / 10, "start-partition", {{"halves", {{"n1", "n2"}, {"n3", "n4", "n5"}}}});
  nem(d / 4, "stop-partition", nullptr);
  if (o.with_kill) {
    nem(d * 3 / 10, "start-kill", {"n2"});
    nem(d * 2 / 5, "stop-kill", {"n2"});
  }
  nem(d / 2, "start-clock-skew", {{"n4", "+250ms"}});
  nem(d * 11 / 20, "start-partition", {{"isolate", "n1"}});
  nem(d * 3 / 4, "heal-all", nullptr);  // ends the skew and the second partition
  s->nemesis_intervals = o.with_kill ? 4 : 3;
}

}  // namespace

Sample make_sample(const SampleOptions& o) {
  Rng rng{o.seed};
  Sample s;
  std::vector<Event> ev;
  nemesis_events(o, &ev, &s);
  std::vector<std::int64_t> process(o.clients), free_at(o.clients, 0);
  for (std::size_t c = 0; c < o.clients; ++c) process[c] = static_cast<std::int64_t>(c);
  std::int64_t next_process = static_cast<std::int64_t>(o.clients);
  const std::int64_t gap = o.duration_ns / static_cast<std::int64_t>(o.ops / o.clients + 1);
  for (std::size_t i = 0; i < o.ops; ++i) {
    const std::size_t c = i % o.clients;
    const auto slot = static_cast<std::int64_t>(i / o.clients);
    const std::int64_t start = std::max(free_at[c], slot * gap + rng.below(gap / 2 + 1));
    const std::int64_t latency = 200'000 + rng.below(20'000'000) * (rng.below(10) == 0 ? 20 : 1);
    const bool read = rng.below(2) == 0;
    const std::int64_t key = rng.below(3), val = static_cast<std::int64_t>(i);
    nlohmann::json v = read ? nlohmann::json::array({key, nullptr}) : nlohmann::json{key, val};
    if (!o.hostile_value.empty() && i == 7) v = {key, o.hostile_value};
    const std::int64_t roll = rng.below(20);
    const auto type = roll == 0  ? history::OpType::kInfo
                      : roll < 3 ? history::OpType::kFail
                                 : history::OpType::kOk;
    nlohmann::json done = v;
    if (read && type == history::OpType::kOk) done = {key, rng.below(50)};
    const auto order = static_cast<std::int64_t>(ev.size());
    ev.push_back(
        {make_op(start, process[c], history::OpType::kInvoke, read ? "read" : "write", v), order});
    history::Op end = make_op(start + latency, process[c], type, read ? "read" : "write", done);
    if (type == history::OpType::kFail) end.extra["error"] = "timeout";
    ev.push_back({end, order + 1});
    free_at[c] = start + latency + 1;
    if (type == history::OpType::kInfo) process[c] = next_process++;  // never reused
  }
  std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) {
    return a.op.time_ns != b.op.time_ns ? a.op.time_ns < b.op.time_ns : a.order < b.order;
  });
  for (std::size_t i = 0; i < ev.size(); ++i) {
    ev[i].op.index = static_cast<std::int64_t>(i);
    s.history.ops.push_back(ev[i].op);
  }
  std::map<std::int64_t, bool> used;
  for (const auto& op : s.history.ops) {
    if (op.process != history::kNemesisProcess) used[op.process] = true;
  }
  s.processes = used.size();
  finish_sample(o, &s);
  return s;
}

namespace {

// The first `n` ok writes after `after_ns`, by distinct processes: their invocation indexes.
std::vector<std::int64_t> ok_writes(const history::History& h, std::int64_t after_ns,
                                    std::size_t n) {
  std::vector<std::int64_t> out, used;
  std::map<std::int64_t, std::int64_t> invoked;  // process -> invocation index
  for (const auto& op : h.ops) {
    if (op.process == history::kNemesisProcess || op.f != "write") continue;
    if (op.type == history::OpType::kInvoke) {
      invoked[op.process] = op.index;
    } else if (op.type == history::OpType::kOk && op.time_ns > after_ns && out.size() < n &&
               std::find(used.begin(), used.end(), op.process) == used.end()) {
      out.push_back(invoked[op.process]);
      used.push_back(op.process);
    }
  }
  return out;
}

nlohmann::json checks_json(const Sample& s) {
  const auto& a = s.anomaly_ops;
  const nlohmann::json g2 = {
      {"type", "G2-item"},
      {"explanation", "T" + std::to_string(a[0]) + " and T" + std::to_string(a[1]) +
                          " each read a version the other overwrote (rw, rw): write skew."},
      {"ops", {a[0], a[1]}}};
  const nlohmann::json single = {{"type", "G-single"},
                                 {"explanation", "one anti-dependency closes a cycle"},
                                 {"ops", {a[2], s.anomaly_completion, 999'999}}};
  return nlohmann::json::array({{{"name", "linearizable"},
                                 {"valid", true},
                                 {"result", {{"valid", true}, {"configs-explored", 1234}}}},
                                {{"name", "elle-rw-register"},
                                 {"valid", false},
                                 {"result",
                                  {{"valid", false},
                                   {"anomaly-types", {"G2-item", "G-single"}},
                                   {"anomalies", {g2, single}},
                                   {"not", {"serializable"}}}}}});
}

// kSampleLanes sagas: each runs two steps; saga-1 completes, saga-2 fails and is not
// compensated, saga-3 compensates its first step.
nlohmann::json lanes_json(const SampleOptions& o) {
  const std::int64_t d = o.duration_ns / 10;
  nlohmann::json lanes = nlohmann::json::array();
  const char* ends[] = {"completed", "failed", "compensated"};
  const char* second[] = {"ok", "fail", "fail"};
  for (std::size_t i = 0; i < kSampleLanes; ++i) {
    const std::string id = "saga-" + std::to_string(i + 1);
    const std::int64_t t = d * static_cast<std::int64_t>(i + 1);
    nlohmann::json bars = {
        {{"from", t}, {"to", t + d}, {"label", "reserve"}, {"outcome", "ok"}},
        {{"from", t + d}, {"to", t + 2 * d}, {"label", "charge"}, {"outcome", second[i]}}};
    if (i == 2) {
      bars.push_back({{"from", t + 2 * d},
                      {"to", t + 3 * d},
                      {"label", "compensate reserve"},
                      {"outcome", "compensated"}});
    }
    lanes.push_back({{"name", id},
                     {"keys", {id}},
                     {"bars", bars},
                     {"markers", {{{"at", t + 3 * d}, {"label", ends[i]}, {"outcome", "ok"}}}}});
  }
  return {{"groups", {{{"name", "sagas"}, {"lanes", lanes}}}}, {"dropped", 0}};
}

}  // namespace

void finish_sample(const SampleOptions& o, Sample* s) {
  s->anomaly_ops = ok_writes(s->history, o.duration_ns / 3, 3);
  if (s->anomaly_ops.size() == 3) {  // the third op's completion: same process, next event
    const auto& ops = s->history.ops;
    const auto invoke = static_cast<std::size_t>(s->anomaly_ops[2]);
    for (std::size_t i = invoke + 1; i < ops.size() && s->anomaly_completion < 0; ++i) {
      if (ops[i].process == ops[invoke].process) s->anomaly_completion = ops[i].index;
    }
  }
  nlohmann::json problems = nlohmann::json::array();
  if (o.with_checks) problems.push_back("elle-rw-register: G2-item, G-single");
  if (!o.hostile_value.empty()) problems.push_back(o.hostile_value);
  s->results = {{"scenario", "register-sample"},
                {"seed", o.seed},
                {"mode", "sim"},
                {"trace_hash", "0123456789abcdef"},
                {"result", o.with_checks ? "fail" : "pass"},
                {"problems", problems},
                {"details", {{"clients", o.clients}, {"ops", o.ops}}},
                {"set", {"workload.0.concurrency=5"}},
                {"drawn", drawn_json()},
                {"reproduce", "faultline run register-sample --seed " + std::to_string(o.seed)}};
  if (o.with_checks && s->anomaly_ops.size() == 3) s->results["checks"] = checks_json(*s);
  if (o.with_lanes) {
    s->results["problems"].push_back("saga saga-2 ended failed at step 1: compensation refused");
    s->results["lanes"] = lanes_json(o);
  }
  for (std::size_t i = 0; i < 1500; ++i) {
    s->trace.push_back("t=" + std::to_string(i * 1000) + " node n" + std::to_string(i % 5 + 1) +
                       " recv msg " + std::to_string(i) + (i == 3 ? " <b>&amp;" : ""));
  }
}

void write_sample(const Sample& sample, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "results.json") << sample.results.dump(2) << "\n";
  std::ofstream h(dir / "history.jsonl");
  for (const auto& op : sample.history.ops) h << history::to_json_line(op) << "\n";
  std::ofstream t(dir / "trace.txt");
  for (const auto& line : sample.trace) t << line << "\n";
}

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("fl-reports-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace fl::reports::testing

namespace fl::reports::testing {
namespace {

nlohmann::json sweep_of(const std::string& name, const std::vector<std::string>& results,
                        const std::string& hostile) {
  nlohmann::json seeds = nlohmann::json::array();
  std::size_t pass = 0, fail = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const int seed = static_cast<int>(i) + 1;
    (results[i] == "pass" ? pass : fail) += 1;
    seeds.push_back({{"seed", seed},
                     {"result", results[i]},
                     {"dir", std::to_string(seed)},
                     {"max_rss_kb", 10240 * seed},
                     {"reproduce", "faultline run " + name + " --seed " + std::to_string(seed) +
                                       (seed == 2 ? hostile : "")}});
  }
  return {{"scenario", name},
          {"seeds", seeds},
          {"summary",
           {{"pass", pass},
            {"fail", fail},
            {"unknown", 0},
            {"first_seed", 1},
            {"last_seed", results.size()},
            {"seeds_per_hour", 36000.5},
            {"peak_rss_kb", 10240 * static_cast<long>(results.size())}}}};
}

}  // namespace

nlohmann::json write_sample_main_job(const std::filesystem::path& dir, const std::string& hostile) {
  namespace fs = std::filesystem;
  const std::vector<std::pair<std::string, std::vector<std::string>>> sweeps = {
      {"good", {"pass", "pass", "pass"}},
      {"flaky", {"pass", "fail", "pass"}},
      {"x-bug", {"fail", "pass", "fail"}}};
  for (const auto& [name, results] : sweeps) {
    fs::create_directories(dir / name);
    std::ofstream(dir / name / "sweep.json") << sweep_of(name, results, hostile).dump();
    std::ofstream(dir / name / "index.html") << "<!DOCTYPE html><title>" << name << "</title>";
  }
  nlohmann::json manifest = {
      {"build", "abc123" + hostile},
      {"date", "2026-12-07 20:00 UTC"},
      {"machine", "test 2 cores"},
      {"scenarios",
       {{{"name", "good"}, {"expect", "pass"}, {"verdict", "ok"}, {"ok", true}},
        {{"name", "flaky"}, {"expect", "pass"}, {"verdict", "FAILED"}, {"ok", false}},
        {{"name", "x-bug"}, {"expect", "fail"}, {"verdict", "caught at seed 1"}, {"ok", true}},
        {{"name", "broken"},
         {"expect", "pass"},
         {"verdict", "ERROR: sweep exit 3"},
         {"ok", false}}}}};
  std::ofstream(dir / "main-job.json") << manifest.dump();
  return manifest;
}

}  // namespace fl::reports::testing
