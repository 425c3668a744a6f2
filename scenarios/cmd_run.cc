// run, replay and list.
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "reports/report.h"
#include "scenarios/cli.h"
#include "scenarios/harness_run.h"
#include "scenarios/scenario.h"

namespace fl::scenarios {
namespace fs = std::filesystem;

bool parse_u64(const std::string& text, std::uint64_t* value) {
  if (text.empty() || text.size() > 20) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end;
}

namespace {

struct RunArgs {
  RunOptions options;
  std::string out_dir;
};

// Parses `<scenario> [--seed N] [--mode sim|real] [--out DIR]`; returns an error or "".
std::string parse_run_args(const std::vector<std::string>& args, RunArgs* parsed) {
  bool have_scenario = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--seed" || a == "--mode" || a == "--out" || a == "--set") {
      if (i + 1 >= args.size()) return a + " needs a value";
      const std::string& v = args[++i];
      if (a == "--seed" && !parse_u64(v, &parsed->options.seed)) {
        return "--seed takes a whole number from 0 to 18446744073709551615, not '" + v + "'";
      }
      if (a == "--mode") {
        if (v != "sim" && v != "real") return "--mode takes sim or real, not '" + v + "'";
        parsed->options.mode = v;
      }
      if (a == "--out") parsed->out_dir = v;
      if (a == "--set") parsed->options.overrides.push_back(v);
    } else if (!a.empty() && a[0] == '-') {
      return "unknown option '" + a + "'";
    } else if (!have_scenario) {
      parsed->options.scenario = a;
      have_scenario = true;
    } else {
      return "unexpected argument '" + a + "'";
    }
  }
  if (!have_scenario) return "run needs a scenario name (see `faultline list`)";
  return "";
}

std::string reproduce_command(const RunOptions& o) {
  std::string cmd =
      "faultline run " + o.scenario + " --seed " + std::to_string(o.seed) + " --mode " + o.mode;
  for (const auto& set : o.overrides) cmd += " --set '" + set + "'";
  return cmd;
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
                      {"details", result.details}};
  std::ofstream(fs::path(run.out_dir) / "results.json") << j.dump(2) << "\n";
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

// Runs a parsed invocation; returns the exit code (usage errors included).
// Runs a built-in or TOML scenario; usage problems come back as result.usage_error.
RunResult run_any(const RunArgs& run) {
  const ScenarioInfo* info = find_scenario(run.options.scenario);
  RunResult result;
  if (info == nullptr) {
    const std::string file = find_scenario_file(run.options.scenario);
    if (file.empty()) {
      result.usage_error = "unknown scenario '" + run.options.scenario + "' (see `faultline list`)";
      return result;
    }
    return run_toml_file(file, run.options);
  }
  if (!run.options.overrides.empty()) {
    result.usage_error = "--set applies to TOML scenarios only; '" + info->name + "' is built in";
    return result;
  }
  bool mode_ok = false;
  for (const auto& m : info->modes) mode_ok = mode_ok || m == run.options.mode;
  if (!mode_ok) {
    result.usage_error =
        "scenario '" + info->name + "' cannot run in mode '" + run.options.mode + "'";
    return result;
  }
  return info->run(run.options);
}

// Runs a parsed invocation; returns the exit code (usage errors included).
int execute(RunArgs& run, std::ostream& out, std::ostream& err, RunResult* result_out) {
  if (run.out_dir.empty()) {
    const std::string stem = fs::path(run.options.scenario).stem().string();
    run.out_dir = "store/" + stem + "/" + std::to_string(run.options.seed);
  }
  const auto wall_start = std::chrono::steady_clock::now();  // timing only, never in results
  RunResult result = run_any(run);
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

}  // namespace

int cmd_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  RunArgs run;
  const std::string error = parse_run_args(args, &run);
  if (!error.empty()) {
    err << "faultline run: " << error << "\n";
    return kExitUsage;
  }
  return execute(run, out, err, nullptr);
}

int cmd_replay(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
    err << "faultline replay: usage: faultline replay <out-dir>\n";
    return kExitUsage;
  }
  const fs::path file = fs::path(args[0]) / "results.json";
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
  RunArgs run;
  run.options.scenario = recorded["scenario"].get<std::string>();
  run.options.seed = recorded["seed"].get<std::uint64_t>();
  run.options.mode = recorded["mode"].get<std::string>();
  if (recorded.contains("set") && recorded["set"].is_array()) {
    for (const auto& o : recorded["set"]) {
      if (o.is_string()) run.options.overrides.push_back(o.get<std::string>());
    }
  }
  run.out_dir = (fs::path(args[0]) / "replay").string();
  RunResult result;
  const int code = execute(run, out, err, &result);
  if (code == kExitUsage) return code;
  const std::string expected = recorded["trace_hash"].get<std::string>();
  if (result.trace_hash != expected) {
    out << "replay: MISMATCH: recorded trace-hash " << expected << ", replay gave "
        << result.trace_hash << " (nondeterminism)\n";
    return kExitHarness;
  }
  out << "replay: trace-hash matches the recorded run\n";
  return code;
}

int cmd_list(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty()) {
    err << "faultline list: takes no arguments\n";
    return kExitUsage;
  }
  for (const auto& s : all_scenarios()) {
    out << s.name << "  [";
    for (std::size_t i = 0; i < s.modes.size(); ++i) out << (i ? "," : "") << s.modes[i];
    out << "]  " << s.description << "\n";
  }
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

}  // namespace fl::scenarios
