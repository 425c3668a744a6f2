#include "harness/run.h"

#include <map>

#include "checkers/registry.h"
#include "harness/crash_points.h"
#include "nemeses/nemesis.h"
#include "system/io/assert.h"
#include "workloads/runner.h"

namespace fl::harness {
namespace {

constexpr std::int64_t kStepNs = 10 * io::kNsPerMs;
constexpr std::int64_t kMaxDrainNs = 60 * io::kNsPerSec;  // waiting for fibers to finish
constexpr std::int64_t kRetryNs = 250 * io::kNsPerMs;
constexpr int kSetupAttempts = 40;
constexpr std::size_t kMaxProblems = 50;
constexpr std::size_t kMaxCheckProblemsShown = 5;  // of a failing system check, in the problems

// A scenario turned into objects, ready to run.
struct Prepared {
  Topology topology;
  std::vector<std::unique_ptr<workloads::Workload>> workloads;
  std::vector<std::unique_ptr<nemeses::Nemesis>> nemeses;
  std::vector<bool> enabled;  // per nemesis (swarm draws)
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string check_needs(const std::vector<workloads::StoreKind>& needs, const StoreTopology& st,
                        const std::string& where) {
  for (auto need : needs) {
    if (need == workloads::StoreKind::kSql && st.pg_servers == 0) {
      return where + ": needs PostgreSQL: expected topology.pg_servers >= 1";
    }
    if (need == workloads::StoreKind::kCache && !st.redis) {
      return where + ": needs Redis: expected topology.redis = true";
    }
    if (need == workloads::StoreKind::kEvents && !st.kafka) {
      return where + ": needs Kafka: expected topology.kafka = true";
    }
  }
  return "";
}

std::string prepare(const ScenarioSpec& spec, Prepared* p) {
  const compose::SystemInfo* system = compose::find_system(spec.system);
  if (system == nullptr) {
    return "topology.system: unknown system '" + spec.system +
           "' (expected one of: " + join(compose::system_names()) + ")";
  }
  p->topology.stores = spec.stores;
  if (std::string e = system->build(spec.system_options, &p->topology); !e.empty()) {
    return "topology.system_options: " + e;
  }
  int clients = 0;
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    const std::string where =
        "workload[" + std::to_string(i) + "] (" + spec.workloads[i].name + ")";
    std::string error;
    std::vector<workloads::StoreKind> needs;
    auto w =
        workloads::make_workload(spec.workloads[i].name, spec.workloads[i].options, &error, &needs);
    if (w == nullptr) return where + ": " + error;
    if (std::string e = check_needs(needs, spec.stores, where); !e.empty()) return e;
    clients += w->generator().concurrency;
    p->workloads.push_back(std::move(w));
  }
  if (clients > Runtime::kMaxClients) return "workload: at most 1024 clients in all";
  for (std::size_t i = 0; i < spec.nemeses.size(); ++i) {
    std::string error;
    auto n = nemeses::make_nemesis(spec.nemeses[i].name, spec.nemeses[i].options, &error);
    if (n == nullptr) return "nemesis[" + std::to_string(i) + "]: " + error;
    p->nemeses.push_back(std::move(n));
  }
  const auto names = checkers::checker_names();
  for (std::size_t i = 0; i < spec.checkers.size(); ++i) {
    if (std::find(names.begin(), names.end(), spec.checkers[i].name) == names.end()) {
      return "checker[" + std::to_string(i) + "].name: unknown checker '" + spec.checkers[i].name +
             "' (expected one of: " + join(names) + ")";
    }
  }
  p->enabled.assign(p->nemeses.size(), true);
  return "";
}

// Swarm testing: the seed enables a non-empty subset of the scenario's nemeses.
nlohmann::json draw_swarm(const ScenarioSpec& spec, std::uint64_t seed, Prepared* p) {
  if (!spec.swarm || p->nemeses.empty()) return nlohmann::json::object();
  io::Random rnd = io::Random(seed).fork("swarm");
  bool any = false;
  for (std::size_t i = 0; i < p->enabled.size(); ++i) {
    p->enabled[i] = rnd.one_in(2);
    any = any || p->enabled[i];
  }
  if (!any) p->enabled[rnd.below(p->enabled.size())] = true;
  nlohmann::json names = nlohmann::json::array();
  for (std::size_t i = 0; i < p->enabled.size(); ++i) {
    if (p->enabled[i]) names.push_back(spec.nemeses[i].name);
  }
  return {{"swarm_nemeses", names}};
}

// Everything the driver shares with the fibers it spawns.
struct RunState {
  RunState(io::Clock& clock) : recorder(clock) {}
  workloads::HistoryRecorder recorder;
  std::vector<std::unique_ptr<workloads::Generator>> generators;
  std::vector<std::unique_ptr<workloads::ProcessTable>> tables;
  std::vector<std::vector<std::unique_ptr<workloads::ClientSlot>>> slots;  // [workload][slot]
  int clients_running = 0;
  int nemeses_running = 0;
  std::int64_t heal_start_ns = 0;
  std::vector<bool> exhausted_at_heal;  // per workload: its op_limit was reached before the heal
  std::vector<std::string> problems;

  void problem(std::string text) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(text));
  }
};

// Sleeps on the harness clock until `done()` or `limit_ns` has passed; returns done().
template <typename Done>
bool wait_for(io::Clock& clock, std::int64_t limit_ns, Done done) {
  for (std::int64_t waited = 0; !done() && waited < limit_ns; waited += kStepNs) {
    clock.sleep_ns(kStepNs);
  }
  return done();
}

bool setup_workloads(Runtime& rt, Prepared& p, RunState& st) {
  int first_slot = 0;
  for (std::size_t w = 0; w < p.workloads.size(); ++w) {
    io::Env& env = rt.client_env(first_slot);
    io::Status s = io::Status::failed(io::ErrorKind::kInternal, "not tried");
    for (int attempt = 0; attempt < kSetupAttempts && !s.is_ok(); ++attempt) {
      s = p.workloads[w]->setup(env);
      if (!s.is_ok()) env.clock.sleep_ns(kRetryNs);
    }
    if (!s.is_ok()) {
      st.problem("harness: setup of workload[" + std::to_string(w) + "] failed: " + s.to_string());
      return false;
    }
    first_slot += p.workloads[w]->generator().concurrency;
  }
  return true;
}

void start_clients(Runtime& rt, Prepared& p, RunState& st, std::int64_t until_ns) {
  int global_slot = 0;
  st.slots.resize(p.workloads.size());
  for (std::size_t w = 0; w < p.workloads.size(); ++w) {
    const auto& options = p.workloads[w]->generator();
    st.generators.push_back(std::make_unique<workloads::Generator>(
        options, rt.random().fork("generator").fork(static_cast<std::uint64_t>(w))));
    st.tables.push_back(std::make_unique<workloads::ProcessTable>(
        static_cast<std::int64_t>(w) * workloads::ProcessTable::kStride, options.concurrency));
    for (int s = 0; s < options.concurrency; ++s, ++global_slot) {
      st.slots[w].push_back(
          std::make_unique<workloads::ClientSlot>(*p.workloads[w], *st.generators[w], st.recorder,
                                                  *st.tables[w], rt.client_env(global_slot), s));
      workloads::ClientSlot* slot = st.slots[w].back().get();
      ++st.clients_running;
      rt.spawn("client w" + std::to_string(w) + "/" + std::to_string(s), [slot, until_ns, &st] {
        slot->run_until(until_ns);
        --st.clients_running;
      });
    }
  }
}

void start_nemeses(Runtime& rt, Prepared& p, RunState& st, std::int64_t until_ns) {
  nemeses::FaultPort& port = rt.faults();
  const std::int64_t port_until = port.now_ns() + (until_ns - st.recorder.now_ns());
  for (std::size_t i = 0; i < p.nemeses.size(); ++i) {
    if (!p.enabled[i]) continue;
    nemeses::Nemesis* n = p.nemeses[i].get();
    ++st.nemeses_running;
    rt.spawn("nemesis " + n->name(), [&rt, n, i, port_until, &st, &port] {
      io::Random rnd = rt.random().fork("nemesis").fork(static_cast<std::uint64_t>(i));
      n->run(port, rnd, port_until, [&st](const history::Op& op) { st.recorder.nemesis_op(op); });
      --st.nemeses_running;
    });
  }
}

// Liveness: some ok operation of workload `w` was invoked after the heal began.
bool live_after_heal(const RunState& st, std::size_t w) {
  std::map<std::int64_t, std::int64_t> invoked_at;
  for (const auto& op : st.recorder.history().ops) {
    if (!st.tables[w]->owns(op.process)) continue;
    if (op.type == history::OpType::kInvoke) invoked_at[op.process] = op.time_ns;
    if (op.type == history::OpType::kOk && invoked_at[op.process] >= st.heal_start_ns) return true;
  }
  return false;
}

// ": <the error of the last completion of `f`>" (bounded), or "" when it had none.
std::string last_error(const RunState& st, const std::string& f) {
  constexpr std::size_t kMaxErrorBytes = 2000;
  const auto& ops = st.recorder.history().ops;
  for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
    if (it->f != f || it->type == history::OpType::kInvoke) continue;
    const auto e = it->extra.find("error");
    if (e == it->extra.end() || !e->is_string()) return "";
    return ": " + e->get<std::string>().substr(0, kMaxErrorBytes);
  }
  return "";
}

void final_phase(io::Clock& clock, Prepared& p, RunState& st, int attempts) {
  for (std::size_t w = 0; w < p.workloads.size(); ++w) {
    const std::string where = "workload[" + std::to_string(w) + "]";
    // A workload whose op_limit ran out before the heal has nothing left to show liveness with
    // but its final ops (below).
    const bool exhausted = w < st.exhausted_at_heal.size() && st.exhausted_at_heal[w];
    if (!exhausted && !live_after_heal(st, w)) {
      st.problem("liveness: " + where + " completed no operation after the heal");
    }
    workloads::ClientSlot& slot = *st.slots[w].front();
    for (const auto& op : p.workloads[w]->final_ops()) {
      bool ok = false;
      for (int a = 0; a < attempts && !ok; ++a) {
        if (a > 0) clock.sleep_ns(kRetryNs);
        ok = slot.perform(op) == history::OpType::kOk;
      }
      if (!ok) {
        st.problem("liveness: " + where + " final " + op.f + " did not complete ok in " +
                   std::to_string(attempts) + " attempts" + last_error(st, op.f));
      }
    }
  }
}

void drive(Runtime& rt, const ScenarioSpec& spec, Prepared& p, RunState& st) {
  io::Clock& clock = rt.client_env(0).clock;
  if (!setup_workloads(rt, p, st)) return;
  const std::int64_t chaos_end = st.recorder.now_ns() + spec.duration_ns;
  const std::int64_t heal_end = chaos_end + spec.heal_ns;
  start_clients(rt, p, st, heal_end);
  start_nemeses(rt, p, st, chaos_end);
  clock.sleep_ns(chaos_end - st.recorder.now_ns());
  if (!wait_for(clock, kMaxDrainNs, [&] { return st.nemeses_running == 0; })) {
    st.problem("harness: a nemesis did not stop at the end of the chaos phase");
  }
  st.recorder.nemesis("heal-all", rt.node_names());
  st.heal_start_ns = st.recorder.now_ns();
  for (const auto& g : st.generators) {
    const std::int64_t limit = g->options().op_limit;
    st.exhausted_at_heal.push_back(limit > 0 && g->invocations() >= limit);
  }
  if (std::string e = rt.faults().heal_all(); !e.empty()) st.problem("harness: heal_all: " + e);
  if (heal_end > st.recorder.now_ns()) clock.sleep_ns(heal_end - st.recorder.now_ns());
  if (!wait_for(clock, kMaxDrainNs, [&] { return st.clients_running == 0; })) {
    st.problem("liveness: clients were still blocked 60 s after the heal phase ended");
    return;
  }
  final_phase(clock, p, st, spec.limits.final_attempts);
}

// The part of the history a workload's checkers judge: its own processes and the nemesis.
history::History history_of(const RunState& st, std::size_t w, std::size_t workloads) {
  if (workloads == 1) return st.recorder.history();
  history::History h;
  for (const auto& op : st.recorder.history().ops) {
    if (op.process == history::kNemesisProcess || st.tables[w]->owns(op.process)) {
      h.ops.push_back(op);
    }
  }
  return h;
}

void judge(const ScenarioSpec& spec, const std::string& mode, Prepared& p, RunState& st,
           RunResult* result) {
  std::vector<checkers::Validity> verdicts;
  auto add = [&](const std::string& name, const nlohmann::json& options, const history::History& h,
                 nlohmann::json scope) {
    checkers::CheckOutcome out = checkers::run_checker(name, options, h);
    verdicts.push_back(out.valid);
    result->checks.push_back({{"name", name},
                              {"scope", std::move(scope)},
                              {"options", options},
                              {"valid", checkers::validity_json(out.valid)},
                              {"result", out.result}});
    if (out.valid == checkers::Validity::kFalse) result->problems.push_back(name + ": invalid");
  };
  if (st.tables.size() == p.workloads.size()) {
    for (std::size_t w = 0; w < p.workloads.size(); ++w) {
      const history::History h = history_of(st, w, p.workloads.size());
      for (const auto& c : p.workloads[w]->checkers()) {
        add(c.name, c.options, h, "workload[" + std::to_string(w) + "] " + spec.workloads[w].name);
      }
    }
  }
  for (const auto& c : spec.checkers) add(c.name, c.options, st.recorder.history(), "run");
  for (const auto& check : p.topology.checks) {
    checkers::CheckOutcome out;
    try {
      out = check.judge(st.recorder.history(), mode);
    } catch (const std::exception& e) {  // a check that throws cannot decide: unknown
      out.valid = checkers::Validity::kUnknown;
      out.result = {{"valid", "unknown"}, {"error", e.what()}};
    }
    verdicts.push_back(out.valid);
    result->checks.push_back({{"name", check.name},
                              {"scope", "system " + spec.system},
                              {"options", nlohmann::json::object()},
                              {"valid", checkers::validity_json(out.valid)},
                              {"result", out.result}});
    if (out.valid != checkers::Validity::kFalse) continue;
    result->problems.push_back(check.name + ": invalid");
    const nlohmann::json& said =
        out.result.contains("problems") ? out.result["problems"] : nlohmann::json::array();
    for (std::size_t i = 0; i < said.size() && i < kMaxCheckProblemsShown; ++i) {
      if (said[i].is_string())
        result->problems.push_back(check.name + ": " + said[i].get<std::string>());
    }
  }
  const checkers::Validity v = checkers::compose(verdicts);
  result->verdict = v == checkers::Validity::kFalse     ? Verdict::kFail
                    : v == checkers::Validity::kUnknown ? Verdict::kUnknown
                                                        : Verdict::kPass;
}

nlohmann::json client_counts(const RunState& st) {
  nlohmann::json counts = nlohmann::json::array();
  for (const auto& slots : st.slots) {
    std::int64_t ok = 0, fail = 0, info = 0;
    for (const auto& s : slots) {
      ok += s->stats().ok;
      fail += s->stats().fail;
      info += s->stats().info;
    }
    counts.push_back({{"ok", ok}, {"fail", fail}, {"info", info}});
  }
  return counts;
}

}  // namespace

std::string validate_scenario(const ScenarioSpec& spec) {
  Prepared p;
  std::string error = prepare(spec, &p);
  return error.empty() ? "" : spec.file + ": " + error;
}

RunResult run_scenario_once(const ScenarioSpec& spec, const RunOptions& options,
                            const DurableStepHook& hook) {
  RunResult result;
  if (std::find(spec.modes.begin(), spec.modes.end(), options.mode) == spec.modes.end()) {
    result.usage_error = spec.file + ": modes: the scenario does not offer mode '" + options.mode +
                         "' (it offers " + join(spec.modes) + ")";
    return result;
  }
  Prepared p;
  if (std::string e = prepare(spec, &p); !e.empty()) {
    result.usage_error = spec.file + ": " + e;
    return result;
  }
  if (options.mode != "sim" && (!spec.stores.pg_bug.empty() || !spec.stores.kafka_bug.empty())) {
    result.usage_error = spec.file +
                         ": topology.pg_bug/kafka_bug: deliberately broken stores "
                         "exist only in simulation (--mode sim)";
    return result;
  }
  result.drawn = draw_swarm(spec, options.seed, &p);
  RuntimeFactory factory = runtime_factory(options.mode);
  if (!factory) {
    result.usage_error = "mode '" + options.mode + "' is not built into this faultline yet";
    return result;
  }
  RuntimeOptions ro;
  ro.seed = options.seed;
  ro.max_time_ns = spec.limits.max_virtual_ns;
  ro.durable_step_hook = hook;
  ro.restart_after_ns = spec.crash_points.restart_after_ns;
  std::string error;
  std::unique_ptr<Runtime> rt = factory(ro, p.topology, &error);
  if (rt == nullptr) {
    result.usage_error = spec.file + ": " + error;
    return result;
  }
  for (std::size_t i = 0; i < p.nemeses.size(); ++i) {
    if (std::string why = p.nemeses[i]->refuse(rt->faults()); !why.empty() && p.enabled[i]) {
      result.usage_error = spec.file + ": nemesis[" + std::to_string(i) + "]: " + why;
      return result;
    }
  }
  std::unique_ptr<RunState> st;
  RuntimeReport report = rt->run([&](Runtime& runtime) {
    st = std::make_unique<RunState>(runtime.client_env(0).clock);
    for (auto& t : p.topology.timelines) t->set_clock([&st] { return st->recorder.now_ns(); });
    drive(runtime, spec, p, *st);
  });
  FL_ASSERT(st != nullptr);
  judge(spec, options.mode, p, *st, &result);
  for (auto& problem : st->problems) result.problems.push_back(problem);
  for (auto& problem : report.problems) result.problems.push_back(problem);
  if (!st->problems.empty() || !report.problems.empty()) result.verdict = Verdict::kFail;
  if (st->recorder.dropped() > 0) {
    result.problems.push_back("history: " + std::to_string(st->recorder.dropped()) +
                              " events dropped over the limit");
    if (result.verdict == Verdict::kPass) result.verdict = Verdict::kUnknown;
  }
  nlohmann::json nemeses = nlohmann::json::array();
  for (std::size_t i = 0; i < p.nemeses.size(); ++i) {
    if (p.enabled[i]) nemeses.push_back(p.nemeses[i]->describe());
  }
  if (!nemeses.empty()) result.drawn["nemeses"] = nemeses;
  for (auto& t : p.topology.timelines) {
    const nlohmann::json lanes = t->to_json();
    t->set_clock(nullptr);  // the history's clock ends with the run
    for (const auto& g : lanes["groups"]) result.lanes["groups"].push_back(g);
    result.lanes["dropped"] =
        result.lanes.value("dropped", 0) + lanes["dropped"].get<std::size_t>();
  }
  result.trace_hash = report.trace_hash;
  result.trace_lines = std::move(report.trace_lines);
  result.details = report.stats;
  result.details["operations"] = client_counts(*st);
  result.details["history_ops"] = st->recorder.history().ops.size();
  result.history = st->recorder.history();
  return result;
}

RunResult run_toml_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  if (!spec.crash_points.enabled) return run_scenario_once(spec, options, nullptr);
  return run_crash_points(spec, options, [&](const DurableStepHook& hook) {
    return run_scenario_once(spec, options, hook);
  });
}

RunResult run_toml_file(const std::string& path, const RunOptions& options) {
  ScenarioSpec spec;
  RunResult result;
  if (std::string e = load_scenario_file(path, options.overrides, &spec); !e.empty()) {
    result.usage_error = e;
    return result;
  }
  return run_toml_scenario(spec, options);
}

}  // namespace fl::harness
