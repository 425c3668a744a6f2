// One run of a scenario as the command line does it (run_store.h): run, write the run
// directory, print the summary; replay; list.
#include "harness/run_store.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include "harness/run.h"
#include "harness/sweep/sweep_process.h"
#include "reports/report.h"
#include "system/io/random.h"

namespace fl::harness {
namespace fs = std::filesystem;

std::string reproduce_command(const RunOptions& o) {
  std::string cmd = "faultline run " + shell_quote(o.scenario) + " --seed " +
                    std::to_string(o.seed) + " --mode " + o.mode;
  for (const auto& set : o.overrides) cmd += " --set " + shell_quote(set);
  return cmd;
}

namespace {

std::string hex64(std::uint64_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kDigits[v & 15];
  return out;
}

}  // namespace

std::string scenario_file_hash(const std::string& scenario) {
  const std::string file = find_scenario_file(scenario);
  std::ifstream in(file, std::ios::binary);
  if (file.empty() || !in) return "";
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return hex64(io::hash_bytes(text));
}

namespace {

// The seal of a recording: a hash of what a replay reads from it, so that an edited results.json
// is told apart from a run that no longer repeats.
std::string seal_of(const nlohmann::json& recorded) {
  const nlohmann::json fields = {
      recorded.value("scenario", ""),   recorded.value("seed", 0ULL),
      recorded.value("mode", ""),       recorded.value("set", nlohmann::json::array()),
      recorded.value("trace_hash", ""), recorded.value("scenario_file_hash", "")};
  return hex64(io::hash_bytes(fields.dump()));
}

bool write_outputs(const RunArgs& run, const RunResult& result, std::ostream& err) {
  std::error_code ec;
  fs::create_directories(run.out_dir, ec);
  if (ec) {
    err << "faultline: cannot create " << run.out_dir << ": " << ec.message() << "\n";
    return false;
  }
  nlohmann::json j = {{"scenario", run.options.scenario},
                      {"seed", run.options.seed},
                      {"mode", run.options.mode},
                      {"set", run.options.overrides},
                      {"trace_hash", result.trace_hash},
                      {"result", to_string(result.verdict)},
                      {"problems", result.problems},
                      {"checks", result.checks},
                      {"drawn", result.drawn},
                      {"reproduce", reproduce_command(run.options)},
                      {"details", result.details},
                      {"scenario_file_hash", scenario_file_hash(run.options.scenario)}};
  if (!result.lanes.empty()) j["lanes"] = result.lanes;
  j["seal"] = seal_of(j);
  std::ofstream results(fs::path(run.out_dir) / "results.json");
  results << j.dump(2) << "\n";
  if (!results.flush()) {
    err << "faultline: cannot write " << (fs::path(run.out_dir) / "results.json").string() << "\n";
    return false;
  }
  std::ofstream trace(fs::path(run.out_dir) / "trace.txt");
  for (const auto& line : result.trace_lines) trace << line << "\n";
  if (!result.history.ops.empty()) {
    std::ofstream history(fs::path(run.out_dir) / "history.jsonl");
    for (const auto& op : result.history.ops) history << history::to_json_line(op) << "\n";
    if (!history) return false;
  }
  if (!trace) return false;
  if (std::string e = reports::write_run_report(run.out_dir); !e.empty()) {
    err << "faultline: report: " << e << "\n";
  }
  return true;
}

void print_result(const RunArgs& run, const RunResult& result, double wall_s, std::ostream& out) {
  out << "scenario: " << run.options.scenario << "\n";
  out << "mode: " << run.options.mode << "\n";
  out << "details: " << result.details.dump() << "\n";
  if (!result.drawn.empty()) out << "drawn: " << result.drawn.dump() << "\n";
  for (const auto& c : result.checks) {
    out << "check: " << c.value("name", "?") << " " << c.value("scope", "") << ": "
        << c["valid"].dump() << "\n";
  }
  for (const auto& p : result.problems) out << "problem: " << p << "\n";
  out << "report: " << run.out_dir << "\n";
  if (result.verdict != Verdict::kPass) {
    out << "reproduce: " << reproduce_command(run.options) << "\n";
  }
  if (result.details.contains("virtual_ns") && wall_s > 0) {
    const double virtual_s = result.details["virtual_ns"].get<double>() / 1e9;
    out << "timing: virtual " << virtual_s << " s, wall " << wall_s << " s, ratio "
        << virtual_s / wall_s << "\n";
  }
  out << "seed: " << run.options.seed << "\n";
  out << "trace-hash: " << (result.trace_hash.empty() ? "-" : result.trace_hash) << "\n";
  out << "result: " << to_string(result.verdict) << "\n";
}

int exit_code(Verdict v) {
  return v == Verdict::kPass ? kExitPass : v == Verdict::kFail ? kExitFail : kExitHarness;
}

}  // namespace

// Runs a parsed invocation; returns the exit code (usage errors included).
int execute_run(RunArgs& run, std::ostream& out, std::ostream& err, RunResult* result_out) {
  if (run.out_dir.empty()) {
    const std::string stem = fs::path(run.options.scenario).stem().string();
    run.out_dir = "store/" + stem + "/" + std::to_string(run.options.seed);
  }
  const auto wall_start = std::chrono::steady_clock::now();  // timing only, never in results
  RunResult result;
  const std::string file = find_scenario_file(run.options.scenario);
  if (file.empty()) {
    result.usage_error = "unknown scenario '" + run.options.scenario + "' (see `faultline list`)";
  } else {
    result = run_toml_file(file, run.options);
  }
  if (!result.usage_error.empty()) {
    err << "faultline: " << result.usage_error << "\n";
    return kExitUsage;
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (!write_outputs(run, result, err)) return kExitHarness;
  print_result(run, result, wall_s, out);
  const int code = exit_code(result.verdict);
  if (result_out != nullptr) *result_out = std::move(result);
  return code;
}

int replay_run(const std::string& run_dir, std::ostream& out, std::ostream& err) {
  const fs::path file = fs::path(run_dir) / "results.json";
  std::ifstream in(file);
  if (!in) {
    err << "faultline replay: cannot read " << file.string() << "\n";
    return kExitUsage;
  }
  nlohmann::json recorded = nlohmann::json::parse(in, nullptr, false);
  if (recorded.is_discarded() || !recorded.is_object() || !recorded.contains("scenario") ||
      !recorded["scenario"].is_string() || !recorded.contains("seed") ||
      !recorded["seed"].is_number_unsigned() || !recorded.contains("trace_hash") ||
      !recorded["trace_hash"].is_string() || !recorded.contains("mode") ||
      !recorded["mode"].is_string()) {
    err << "faultline replay: " << file.string()
        << " is not a results.json with scenario, seed, mode and trace_hash\n";
    return kExitUsage;
  }
  if (recorded.contains("seal") && recorded["seal"] != seal_of(recorded)) {
    err << "faultline replay: " << file.string()
        << " was edited after the run (its seal does not match what it records); a replay "
           "cannot judge an edited recording\n";
    return kExitUsage;
  }
  if (recorded["mode"] != "sim") {
    err << "faultline replay: " << file.string() << " records a " << recorded["mode"].dump()
        << " run; only simulated runs repeat exactly\n";
    return kExitUsage;
  }
  RunArgs run;
  run.options.scenario = recorded["scenario"].get<std::string>();
  run.options.seed = recorded["seed"].get<std::uint64_t>();
  run.options.mode = recorded["mode"].get<std::string>();
  if (recorded.contains("set") && recorded["set"].is_array()) {
    for (const auto& o : recorded["set"]) {
      if (o.is_string()) run.options.overrides.push_back(o.get<std::string>());
    }
  }
  auto replay_once = [&](const std::string& sub, RunResult* result) {
    run.out_dir = (fs::path(run_dir) / sub).string();
    return execute_run(run, out, err, result);
  };
  RunResult result;
  const int code = replay_once("replay", &result);
  if (code == kExitUsage) return code;
  if (result.trace_hash.empty()) {
    err << "faultline replay: the replay did not complete (see above), nothing to compare\n";
    return kExitHarness;
  }
  const std::string expected = recorded["trace_hash"].get<std::string>();
  if (result.trace_hash == expected) {
    out << "replay: trace-hash matches the recorded run\n";
    return code;
  }
  out << "replay: MISMATCH: recorded trace-hash " << expected << ", replay gave "
      << result.trace_hash << "\n";
  const std::string recorded_file = recorded.value("scenario_file_hash", "");
  const std::string now_file = scenario_file_hash(run.options.scenario);
  if (!recorded_file.empty() && recorded_file != now_file) {
    out << "replay: the scenario file changed since the recording (its hash was " << recorded_file
        << ", is " << (now_file.empty() ? "unreadable" : now_file) << ")\n";
    return kExitHarness;
  }
  // Same inputs: a second replay tells a changed binary (repeatable) from nondeterminism.
  RunResult again;
  (void)replay_once("replay-2", &again);
  if (again.trace_hash == result.trace_hash) {
    out << "replay: two replays agree with each other: the binary changed since the recording "
           "(or the recording's hash was not its own)\n";
  } else {
    out << "replay: NONDETERMINISM: a second replay gave " << again.trace_hash << "\n";
  }
  return kExitHarness;
}

int list_scenarios(std::ostream& out) {
  for (const auto& name : scenario_file_names()) {
    ScenarioSpec spec;
    const std::string file = find_scenario_file(name);
    if (std::string e = load_scenario_file(file, {}, &spec); !e.empty()) {
      out << name << "  [invalid]  " << e << "\n";
      continue;
    }
    out << name << "  [";
    for (std::size_t i = 0; i < spec.modes.size(); ++i) out << (i ? "," : "") << spec.modes[i];
    out << "]  " << spec.description << " (" << file << ")\n";
  }
  return kExitPass;
}

}  // namespace fl::harness
