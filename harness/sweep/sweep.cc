#include "harness/sweep/sweep.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "harness/run_store.h"
#include "harness/sweep/build_id.h"
#include "harness/sweep/sweep_process.h"
#include "harness/sweep/sweep_summary.h"
#include "system/io/assert.h"

namespace fl::harness {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;  // wall time of the sweep itself, never in a run

struct SeedOutcome {
  std::uint64_t seed = 0;
  std::string result;  // pass | fail | unknown
  int exit_code = 0;
  double wall_ms = 0;
  long max_rss_kb = 0;  // the run's peak resident set (its process's ru_maxrss)
  std::vector<std::string> problems;
  std::string reproduce;
  std::string trace_hash;  // "" when the run wrote none
};

// Reads a finished seed's results.json into `o` (result "unknown" when it is missing/broken).
void read_outcome(const std::string& dir, SeedOutcome* o) {
  std::ifstream in(fs::path(dir) / "results.json");
  nlohmann::json j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  if (j.is_object() && j.contains("result") && j["result"].is_string()) {
    o->result = j["result"].get<std::string>();
    if (j.contains("trace_hash") && j["trace_hash"].is_string()) {
      o->trace_hash = j["trace_hash"].get<std::string>();
    }
    if (j.contains("problems") && j["problems"].is_array()) {
      for (const auto& p : j["problems"]) {
        if (p.is_string()) o->problems.push_back(p.get<std::string>());
      }
    }
  } else {
    o->result = "unknown";
    o->problems.push_back("exit code " + std::to_string(o->exit_code) +
                          " and no readable results.json (see " + dir + "/run.log)");
  }
  if (o->result != "pass" && o->result != "fail") o->result = "unknown";
  if (o->result == "pass" && o->exit_code != kExitPass) {
    o->result = "unknown";
    o->problems.push_back("results.json says pass but the run exited with " +
                          std::to_string(o->exit_code));
  }
}

std::string tail_of(const std::string& path) {
  constexpr std::size_t kMaxBytes = 4096;
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > kMaxBytes ? text.substr(text.size() - kMaxBytes) : text;
}

class Sweep {
 public:
  Sweep(SweepArgs args, std::ostream& out, std::ostream& err)
      : args_(std::move(args)),
        out_(out),
        err_(err),
        tty_(::isatty(STDERR_FILENO) == 1),
        plan_(args_.drawn ? SeedPlan::drawn(args_.draw_start, SweepArgs::kMaxSeeds, args_.shard)
                          : SeedPlan::range(args_.first_seed, args_.last_seed, args_.shard)) {}
  int run();

 private:
  std::vector<std::string> child_args(std::uint64_t seed) const;
  bool launch(std::uint64_t seed);
  bool should_stop_launching();  // sets stopped_by_ when it says yes
  nlohmann::json sweep_json(const nlohmann::json& seeds, double wall_s, long peak_rss_kb) const;
  bool collect();    // false: a child rejected the scenario (usage)
  void interrupt();  // stops the running children; their seeds are reported as not run
  void progress(bool last);
  int summarise();
  std::string seed_dir(std::uint64_t seed) const {
    return (fs::path(args_.out_dir) / std::to_string(seed)).string();
  }

  SweepArgs args_;
  std::ostream& out_;
  std::ostream& err_;
  bool tty_;
  std::string exe_;
  Clock::time_point start_ = Clock::now(), last_progress_ = Clock::now();
  std::map<pid_t, std::pair<std::uint64_t, Clock::time_point>> running_;
  std::vector<SeedOutcome> done_;
  std::uint64_t failures_ = 0;
  std::string usage_log_;
  std::vector<std::uint64_t> stopped_;  // seeds whose runs an interrupt stopped
  bool interrupted_ = false;
  SeedPlan plan_;
  std::string stopped_by_ = "done";  // done | failure | duration | interrupted
};

void Sweep::interrupt() {
  interrupted_ = true;
  stopped_by_ = "interrupted";
  std::vector<pid_t> pids;
  for (const auto& [pid, seed] : running_) {
    pids.push_back(pid);
    stopped_.push_back(seed.first);
  }
  err_ << "\nfaultline sweep: interrupted (signal " << InterruptGuard::signal_number()
       << "): stopping " << pids.size() << " run(s)\n";
  stop_children(pids);
  running_.clear();
}

std::vector<std::string> Sweep::child_args(std::uint64_t seed) const {
  std::vector<std::string> a = {"run",    args_.scenario, "--seed", std::to_string(seed),
                                "--mode", args_.mode,     "--out",  seed_dir(seed)};
  for (const auto& o : args_.overrides) {
    a.push_back("--set");
    a.push_back(o);
  }
  return a;
}

bool Sweep::launch(std::uint64_t seed) {
  std::error_code ec;
  fs::remove(fs::path(seed_dir(seed)) / "run.log", ec);  // a fresh log per run
  std::string error;
  const pid_t pid = spawn_child(exe_, child_args(seed), seed_dir(seed) + "/run.log", &error);
  if (pid < 0) {
    err_ << "faultline sweep: seed " << seed << ": " << error << "\n";
    return false;
  }
  running_[pid] = {seed, Clock::now()};
  return true;
}

bool Sweep::collect() {
  int code = 0;
  long max_rss_kb = 0;
  const pid_t pid = wait_child(&code, InterruptGuard::interrupted, &max_rss_kb);
  auto it = running_.find(pid);
  if (pid < 0 || it == running_.end()) return true;
  SeedOutcome o;
  o.seed = it->second.first;
  o.exit_code = code;
  o.max_rss_kb = max_rss_kb;
  o.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - it->second.second).count();
  running_.erase(it);
  if (code == kExitUsage) {
    usage_log_ = tail_of(seed_dir(o.seed) + "/run.log");
    return false;
  }
  read_outcome(seed_dir(o.seed), &o);
  o.reproduce = reproduce_command({args_.scenario, o.seed, args_.mode, args_.overrides});
  if (o.result == "fail") {
    ++failures_;
    err_ << (tty_ ? "\n" : "") << "new failure: seed " << o.seed << ": " << o.reproduce << "\n"
         << std::flush;
  }
  done_.push_back(std::move(o));
  return true;
}

void Sweep::progress(bool last) {
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_progress_).count();
  if (!last && since < (tty_ ? 0.2 : 5.0)) return;
  last_progress_ = now;
  const double wall_s = std::chrono::duration<double>(now - start_).count();
  const std::string total = plan_.is_range() ? "/" + std::to_string(plan_.size()) : "";
  char line[200];
  std::snprintf(line, sizeof line, "sweep %s: %zu%s seeds, %.1f seeds/s, %llu failing",
                args_.scenario.c_str(), done_.size(), total.c_str(),
                wall_s > 0 ? static_cast<double>(done_.size()) / wall_s : 0.0,
                static_cast<unsigned long long>(failures_));
  err_ << (tty_ ? "\r" : "") << line << (tty_ && !last ? "" : "\n") << std::flush;
}

int Sweep::run() {
  exe_ = self_executable();
  if (exe_.empty()) {
    err_ << "faultline sweep: cannot find this executable (/proc/self/exe)\n";
    return kExitHarness;
  }
  bool more = true, ok = true;
  const InterruptGuard guard;
  constexpr std::uint64_t kMaxIterations = 4 * SweepArgs::kMaxSeeds;
  for (std::uint64_t i = 0; i < kMaxIterations && (more || !running_.empty()); ++i) {
    if (InterruptGuard::interrupted()) {
      interrupt();
      break;
    }
    more = more && !should_stop_launching();
    while (ok && more && running_.size() < static_cast<std::size_t>(args_.jobs)) {
      std::uint64_t seed = 0;
      more = plan_.next(&seed);
      if (more) ok = launch(seed);
    }
    if (running_.empty()) break;
    if (!collect()) {
      ok = false;
      more = false;
    }
    progress(false);
  }
  if (!usage_log_.empty() || !ok) {
    err_ << "\nfaultline sweep: the run command rejected the sweep:\n" << usage_log_;
    return kExitUsage;
  }
  progress(true);
  return summarise();
}

bool Sweep::should_stop_launching() {
  if (args_.until_fail && failures_ > 0) {
    stopped_by_ = "failure";
    return true;
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - start_).count();
  if (args_.duration_s > 0 && wall_s >= args_.duration_s) {
    stopped_by_ = "duration";
    return true;
  }
  return false;
}

nlohmann::json Sweep::sweep_json(const nlohmann::json& seeds, double wall_s,
                                 long peak_rss_kb) const {
  const ResultCounts c = count_results(seeds);
  const double per_hour = wall_s > 0 ? static_cast<double>(done_.size()) * 3600.0 / wall_s : 0;
  nlohmann::json summary = {{"pass", c.pass},
                            {"fail", c.fail},
                            {"unknown", c.unknown},
                            {"first_seed", args_.first_seed},
                            {"last_seed", args_.last_seed},
                            {"jobs", args_.jobs},
                            {"wall_s", wall_s},
                            {"seeds_per_hour", per_hour},
                            {"peak_rss_kb", peak_rss_kb},
                            {"interrupted", interrupted_},
                            {"seeds_done", done_.size()},
                            {"seeds_stopped", stopped_}};
  if (args_.drawn) {
    summary.erase("first_seed");
    summary.erase("last_seed");
  }
  return {{"scenario", args_.scenario},
          {"mode", args_.mode},
          {"set", args_.overrides},
          {"build_id", build_id()},
          {"scenario_file_hash", scenario_file_hash(args_.scenario)},
          {"plan", plan_.describe()},
          {"shard",
           {{"index", args_.shard.index},
            {"count", args_.shard.count},
            {"source", args_.shard.source}}},
          {"stopped_by", stopped_by_},
          {"seeds", seeds},
          {"summary", summary}};
}

int Sweep::summarise() {
  nlohmann::json seeds = nlohmann::json::array();
  std::sort(done_.begin(), done_.end(),
            [](const SeedOutcome& a, const SeedOutcome& b) { return a.seed < b.seed; });
  long peak_rss_kb = 0;
  for (const auto& o : done_) {
    peak_rss_kb = std::max(peak_rss_kb, o.max_rss_kb);
    seeds.push_back({{"seed", o.seed},
                     {"result", o.result},
                     {"dir", std::to_string(o.seed)},
                     {"wall_ms", o.wall_ms},
                     {"max_rss_kb", o.max_rss_kb},
                     {"exit_code", o.exit_code},
                     {"problems", o.problems},
                     {"trace_hash", o.trace_hash},
                     {"reproduce", o.reproduce}});
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - start_).count();
  const nlohmann::json sweep = sweep_json(seeds, wall_s, peak_rss_kb);
  char timing[200];
  std::snprintf(timing, sizeof timing,
                "wall %.2f s, %.2f seeds/s, %.0f seeds/hour (jobs %d), peak memory %.1f MiB",
                wall_s, wall_s > 0 ? static_cast<double>(done_.size()) / wall_s : 0.0,
                sweep["summary"]["seeds_per_hour"].get<double>(), args_.jobs,
                static_cast<double>(peak_rss_kb) / 1024.0);
  std::string header = "sweep " + args_.scenario;
  header += args_.drawn ? " seeds drawn from " + std::to_string(args_.draw_start)
                        : " seeds " + std::to_string(args_.first_seed) + ".." +
                              std::to_string(args_.last_seed);
  if (args_.shard.count > 1) {
    header +=
        " part " + std::to_string(args_.shard.index) + "/" + std::to_string(args_.shard.count);
  }
  header += " mode " + args_.mode + (interrupted_ ? " (INTERRUPTED: partial)" : "");
  if (stopped_by_ == "failure" || stopped_by_ == "duration")
    header += " (stopped by " + stopped_by_ + ")";
  const ResultCounts counts = count_results(seeds);
  print_sweep_summary(out_, header, counts, timing, seeds, args_.out_dir);
  if (std::string e = write_sweep_files(args_.out_dir, sweep); !e.empty()) {
    err_ << "faultline sweep: " << e << "\n";
  } else {
    out_ << "index: " << args_.out_dir << "/index.html\n";
  }
  if (counts.fail > 0) return kExitFail;
  return counts.unknown > 0 || interrupted_ ? kExitHarness : kExitPass;
}

}  // namespace

std::string parse_seed_range(const std::string& text, SweepArgs* out) {
  const std::size_t dots = text.find("..");
  const std::string want = "--seeds takes A..B with whole numbers A <= B, not '" + text + "'";
  if (dots == std::string::npos) return want;
  if (!parse_u64(text.substr(0, dots), &out->first_seed) ||
      !parse_u64(text.substr(dots + 2), &out->last_seed) || out->first_seed > out->last_seed) {
    return want;
  }
  if (out->last_seed - out->first_seed >= SweepArgs::kMaxSeeds) {
    return "--seeds covers more than " + std::to_string(SweepArgs::kMaxSeeds) + " seeds";
  }
  return "";
}

int run_sweep(SweepArgs args, std::ostream& out, std::ostream& err) {
  if (args.out_dir.empty()) args.out_dir = "store/" + fs::path(args.scenario).stem().string();
  Sweep sweep(std::move(args), out, err);
  return sweep.run();
}

}  // namespace fl::harness
