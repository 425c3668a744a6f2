#include "harness/sweep/shrink.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "harness/run_store.h"
#include "harness/scenario_file.h"
#include "harness/sweep/sweep.h"
#include "harness/sweep/sweep_process.h"
#include "history/history.h"
#include "reports/report.h"
#include "system/io/assert.h"

namespace fl::harness {
namespace fs = std::filesystem;
namespace {

constexpr std::int64_t kNsPerSec = 1000LL * 1000 * 1000;

struct Recorded {
  std::string scenario, mode;
  std::uint64_t seed = 0;
  std::vector<std::string> overrides;
  nlohmann::json results;
};

std::string read_recorded(const std::string& dir, Recorded* r) {
  const fs::path file = fs::path(dir) / "results.json";
  std::ifstream in(file);
  if (!in) return "cannot read " + file.string();
  r->results = nlohmann::json::parse(in, nullptr, false);
  const nlohmann::json& j = r->results;
  if (j.is_discarded() || !j.is_object() || !j.contains("scenario") || !j["scenario"].is_string() ||
      !j.contains("seed") || !j["seed"].is_number_unsigned() || !j.contains("mode") ||
      !j["mode"].is_string()) {
    return file.string() + " is not a results.json with scenario, seed and mode";
  }
  r->scenario = j["scenario"].get<std::string>();
  r->seed = j["seed"].get<std::uint64_t>();
  r->mode = j["mode"].get<std::string>();
  for (const auto& o : j.value("set", nlohmann::json::array())) {
    if (o.is_string()) r->overrides.push_back(o.get<std::string>());
  }
  if (j.value("result", std::string()) != "fail") {
    return file.string() + " records a run that did not fail (result " +
           j.value("result", nlohmann::json("?")).dump() + "): nothing to shrink";
  }
  return "";
}

// Counts the history's client invocations and each nemesis' started faults.
void count_history(const std::string& run_dir, std::int64_t* invokes,
                   std::map<std::string, std::int64_t>* faults) {
  std::ifstream in(fs::path(run_dir) / "history.jsonl");
  history::History h;
  history::ParseError error;
  if (!in || !history::read_jsonl(in, &h, &error)) return;
  for (const auto& op : h.ops) {
    if (op.process != history::kNemesisProcess) {
      *invokes += op.type == history::OpType::kInvoke ? 1 : 0;
    } else if (op.f.rfind("start-", 0) == 0 && op.value.is_object()) {
      ++(*faults)[op.value.value("nemesis", std::string("?"))];
    }
  }
}

std::int64_t int_option(const nlohmann::json& options, const char* key, std::int64_t fallback) {
  auto it = options.find(key);
  return it != options.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

}  // namespace

std::string scenario_knobs(const std::string& scenario, const std::vector<std::string>& overrides,
                           const std::string& run_dir, std::vector<Knob>* out) {
  const std::string file = find_scenario_file(scenario);
  if (file.empty()) return "shrink works on TOML scenarios; '" + scenario + "' is not one";
  ScenarioSpec spec;
  if (std::string e = load_scenario_file(file, overrides, &spec); !e.empty()) return e;
  std::int64_t invokes = 0;
  std::map<std::string, std::int64_t> faults;
  count_history(run_dir, &invokes, &faults);
  for (std::size_t i = 0; i < spec.nemeses.size(); ++i) {  // fewer faults first
    const auto& n = spec.nemeses[i];
    const std::string at = "nemesis." + std::to_string(i) + ".";
    const std::int64_t started = faults.count(n.name) ? faults[n.name] : 0;
    out->push_back(Knob::integer(at + "max_faults", started, 0));
  }
  const std::int64_t duration_s = std::max<std::int64_t>(1, spec.duration_ns / kNsPerSec);
  out->push_back(Knob::integer("duration_s", duration_s, 1));
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    const auto& o = spec.workloads[i].options;
    const std::string at = "workload." + std::to_string(i) + ".";
    out->push_back(Knob::integer(at + "concurrency", int_option(o, "concurrency", 5), 1));
    const std::int64_t limit = int_option(o, "op_limit", 0);
    const std::int64_t bound = limit > 0 ? limit : invokes;
    if (bound > 1) out->push_back(Knob::integer(at + "op_limit", bound, 1));
    const std::int64_t keys = int_option(o, "keys", 0);
    if (keys > 1) out->push_back(Knob::integer(at + "keys", keys, 1));
  }
  for (std::size_t i = 0; i < spec.nemeses.size(); ++i) {
    const auto& n = spec.nemeses[i];
    const std::string at = "nemesis." + std::to_string(i) + ".";
    out->push_back(
        Knob::integer(at + "duration_ms", int_option(n.options, "duration_ms", 2000), 1));
    if (n.name == "mix" && n.options.contains("of") && n.options["of"].is_array()) {
      out->push_back(Knob::list(at + "of", n.options["of"]));
    }
  }
  return "";
}

namespace {

std::string join_assignments(const std::vector<std::string>& assignments) {
  std::string out;
  for (const auto& a : assignments) out += (out.empty() ? "" : " ") + a;
  return out;
}

nlohmann::json trial_json(const Trial& t) {
  return {
      {"result", t.result}, {"failing_checkers", t.failing_checkers}, {"signature", t.signature}};
}

// Prints the outcome and writes <dir>/shrink.json.
void report_shrink(const ShrinkArgs& a, const Recorded& rec, const Trial& original,
                   const ShrinkOutcome& result, const std::string& run_dir, std::ostream& out) {
  std::vector<std::string> all = rec.overrides;
  const std::vector<std::string> found = result.assignments();
  all.insert(all.end(), found.begin(), found.end());
  const std::string command = reproduce_command({rec.scenario, rec.seed, rec.mode, all});
  nlohmann::json knobs_json = nlohmann::json::array(), steps = nlohmann::json::array();
  for (const auto& k : result.knobs) {
    const bool integer = k.kind == Knob::Kind::kInteger;
    knobs_json.push_back(
        {{"key", k.key},
         {"from", integer ? nlohmann::json(k.initial) : nlohmann::json(k.initial_items)},
         {"to", integer ? nlohmann::json(k.value) : nlohmann::json(k.items)}});
  }
  for (const auto& s : result.steps) {
    steps.push_back({{"set", s.assignments}, {"trial", trial_json(s.trial)}, {"kept", s.kept}});
  }
  const nlohmann::json report = {
      {"scenario", rec.scenario},
      {"seed", rec.seed},
      {"mode", rec.mode},
      {"original", {{"set", rec.overrides}, {"trial", trial_json(original)}}},
      {"runs", result.runs},
      {"budget", a.budget},
      {"budget_exhausted", result.budget_exhausted},
      {"knobs", knobs_json},
      {"steps", steps},
      {"set", all},
      {"command", command},
      {"run_dir", run_dir},
      {"run_subdir", fs::path(run_dir)
                         .lexically_normal()
                         .lexically_relative(fs::path(a.dir).lexically_normal())
                         .generic_string()}};
  std::ofstream(fs::path(a.dir) / "shrink.json") << report.dump(2) << "\n";
  out << "shrink: " << result.runs << " runs" << (result.budget_exhausted ? " (budget spent)" : "")
      << "\n";
  for (const auto& k : result.knobs) {
    if (k.changed()) out << "  " << k.assignment() << "\n";
  }
  out << "smallest reproduction: " << command << "\n";
  out << "its run: " << run_dir << "\n";
  out << "shrink.json: " << (fs::path(a.dir) / "shrink.json").string() << "\n";
}

// Writes <dir>/shrink.html, rewrites <dir>/report.html (so it links to it) and, when <dir> is a
// seed of a sweep, the sweep's index.html (so its row links to it). A page that cannot be written
// is reported on err; the shrink itself stands.
void write_shrink_pages(const std::string& dir, std::ostream& out, std::ostream& err) {
  std::string error = reports::write_shrink_page(dir);
  if (error.empty()) error = reports::write_run_report(dir);
  if (!error.empty()) {
    err << "shrink: the diff page was not written: " << error << "\n";
    return;
  }
  out << "shrink.html: " << (fs::path(dir) / "shrink.html").string() << "\n";
  fs::path run = fs::absolute(dir).lexically_normal();
  if (!run.has_filename()) run = run.parent_path();  // "store/x/5/"
  const fs::path sweep_dir = run.parent_path();
  std::ifstream in(sweep_dir / "sweep.json");
  const nlohmann::json sweep = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  if (!sweep.is_object()) return;
  if (std::string e = reports::write_sweep_index(sweep_dir.string(), sweep); !e.empty()) {
    err << "shrink: the sweep's index.html was not rewritten: " << e << "\n";
  }
}

}  // namespace

int run_shrink(const ShrinkArgs& a, std::ostream& out, std::ostream& err) {
  Recorded rec;
  std::vector<Knob> knobs;
  std::string error = read_recorded(a.dir, &rec);
  if (error.empty()) error = scenario_knobs(rec.scenario, rec.overrides, a.dir, &knobs);
  if (!error.empty()) {
    err << "faultline shrink: " << error << "\n"
        << "usage: faultline shrink <out-dir> [--budget RUNS]\n";
    return kExitUsage;
  }
  const std::string exe = self_executable();
  if (exe.empty()) {
    err << "faultline shrink: cannot find this executable (/proc/self/exe)\n";
    return kExitHarness;
  }
  const Trial original = trial_from_results(rec.results);
  int run_no = 0;
  std::map<std::string, std::string> dir_of;  // assignments (joined) -> run dir
  const ShrinkRunner runner = [&](const std::vector<std::string>& assignments) {
    const std::string dir = (fs::path(a.dir) / "shrink" / std::to_string(++run_no)).string();
    std::vector<std::string> child = {"run",    rec.scenario, "--seed", std::to_string(rec.seed),
                                      "--mode", rec.mode,     "--out",  dir};
    std::string key;
    for (const auto& o : rec.overrides) child.insert(child.end(), {"--set", o});
    for (const auto& o : assignments) {
      child.insert(child.end(), {"--set", o});
      key += o + "\n";
    }
    dir_of[key] = dir;
    std::string spawn_error;
    const int code = run_child(exe, child, dir + "/run.log", &spawn_error);
    std::ifstream in(fs::path(dir) / "results.json");
    nlohmann::json j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    Trial t = j.is_object() ? trial_from_results(j) : Trial{"unknown", {}, {}};
    err << "shrink: run " << run_no << " (exit " << code << "): " << t.result << "  "
        << (assignments.empty() ? "(original)" : join_assignments(assignments)) << "\n";
    return t;
  };
  const ShrinkOutcome result = shrink_search(knobs, original, runner, a.budget);
  std::string key;
  for (const auto& o : result.assignments()) key += o + "\n";
  report_shrink(a, rec, original, result, key.empty() ? a.dir : dir_of[key], out);
  write_shrink_pages(a.dir, out, err);
  return kExitPass;
}

}  // namespace fl::harness
