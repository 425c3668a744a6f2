// run, replay and list.
#include <charconv>
#include <filesystem>
#include <fstream>

#include "scenarios/cli.h"
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
    if (a == "--seed" || a == "--mode" || a == "--out") {
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
                      {"trace_hash", result.trace_hash},
                      {"result", to_string(result.verdict)},
                      {"problems", result.problems},
                      {"details", result.details}};
  std::ofstream(fs::path(run.out_dir) / "results.json") << j.dump(2) << "\n";
  std::ofstream trace(fs::path(run.out_dir) / "trace.txt");
  for (const auto& line : result.trace_lines) trace << line << "\n";
  return static_cast<bool>(trace);
}

void print_result(const RunArgs& run, const RunResult& result, std::ostream& out) {
  out << "scenario: " << run.options.scenario << "\n";
  out << "mode: " << run.options.mode << "\n";
  out << "details: " << result.details.dump() << "\n";
  for (const auto& p : result.problems) out << "problem: " << p << "\n";
  out << "report: " << run.out_dir << "\n";
  if (result.verdict != Verdict::kPass) {
    out << "reproduce: faultline run " << run.options.scenario << " --seed " << run.options.seed
        << " --mode " << run.options.mode << "\n";
  }
  out << "seed: " << run.options.seed << "\n";
  out << "trace-hash: " << (result.trace_hash.empty() ? "-" : result.trace_hash) << "\n";
  out << "result: " << to_string(result.verdict) << "\n";
}

int exit_code(Verdict v) {
  return v == Verdict::kPass ? kExitPass : v == Verdict::kFail ? kExitFail : kExitHarness;
}

// Runs a parsed invocation; returns the exit code (usage errors included).
int execute(RunArgs& run, std::ostream& out, std::ostream& err, RunResult* result_out) {
  const ScenarioInfo* info = find_scenario(run.options.scenario);
  if (info == nullptr) {
    err << "faultline: unknown scenario '" << run.options.scenario << "' (see `faultline list`)\n";
    return kExitUsage;
  }
  bool mode_ok = false;
  for (const auto& m : info->modes) mode_ok = mode_ok || m == run.options.mode;
  if (!mode_ok) {
    err << "faultline: scenario '" << info->name << "' cannot run in mode '" << run.options.mode
        << "'\n";
    return kExitUsage;
  }
  if (run.out_dir.empty()) {
    run.out_dir = "store/" + run.options.scenario + "/" + std::to_string(run.options.seed);
  }
  RunResult result = info->run(run.options);
  if (!write_outputs(run, result, err)) return kExitHarness;
  print_result(run, result, out);
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
  return kExitPass;
}

}  // namespace fl::scenarios
