// The `saga-crash-points` scenario: crash points, enumerated rather than sampled. A fault-free
// run of a fixed set of orders (one completes, one runs out of stock, one is declined, one more
// completes) counts every durable step boundary of each service node (each COMMIT, each produce,
// each cache write: saga_probes.h). Then, for every node and every boundary b in turn, the same
// seed runs again and the node is crashed right after its b-th durable step (before it can act on
// the result), restarted 1.5 s later, and the run must settle with the saga-orders invariants.
#include <nlohmann/json.hpp>

#include "scenarios/saga_check.h"
#include "scenarios/saga_scenario.h"

namespace fl::scenarios {
namespace {

constexpr std::int64_t kRestartAfterNs = 1500 * io::kNsPerMs;
constexpr std::int64_t kSettleNs = 90 * io::kNsPerSec;
constexpr std::int64_t kPollNs = 250 * io::kNsPerMs;
constexpr int kMaxBoundariesPerNode = 2000;
constexpr int kMaxStartAttempts = 20;

struct FixedOrder {
  const char* key;
  const char* sku;
  std::int64_t quantity;
  const char* card;
};
constexpr FixedOrder kOrders[] = {{"o1", "A", 2, "visa"},
                                  {"o2", "A", 5, "visa"},
                                  {"o3", "B", 1, "declined"},
                                  {"o4", "B", 2, "visa"}};

struct CrashRun {
  std::vector<std::string> problems;
  std::map<int, int> boundaries;  // node -> durable steps seen
  std::string trace_hash;
};

// One run; crashes `crash_node` at its `crash_at`-th durable step (0: never).
CrashRun run_once(std::uint64_t seed, SagaBug bug, int crash_node, int crash_at) {
  CrashRun out;
  SagaWorld* world_ptr = nullptr;
  SagaWorldOptions options = saga_world_options(seed, bug);
  options.on_durable_step = [&](int node, const char*) {
    const int n = ++out.boundaries[node];
    if (node != crash_node || n != crash_at) return;
    sim::Simulator& sim = world_ptr->sim();
    sim.crash(node);
    sim.spawn(sim::Simulator::kHarnessNode, "restart", [&sim, world_ptr, node] {
      sim.sleep_until(sim.now_ns() + kRestartAfterNs);
      world_ptr->restart(node);
    });
    sim.check_alive();  // unwinds the calling fiber of the crashed node now
  };
  SagaWorld world(options);
  world_ptr = &world;
  SagaCheckInput input;
  input.initial_stock = {{"A", 6}, {"B", 6}};
  sim::RunReport report = world.run([&](io::Env& env) {
    if (!world.setup_items(env, input.initial_stock).is_ok()) {
      out.problems.push_back("setup failed");
      return;
    }
    for (const auto& o : kOrders) {
      SagaClientRecord r;
      r.idempotency_key = r.order_id = o.key;
      r.sku = o.sku;
      r.quantity = o.quantity;
      r.amount_cents = 500;
      const std::string data = nlohmann::json{
          {"order_id", o.key},
          {"sku", o.sku},
          {"quantity", o.quantity},
          {"amount_cents", 500},
          {"card", o.card}}.dump();
      for (int attempt = 0; attempt < kMaxStartAttempts; ++attempt) {
        auto started = world.start_saga(env, "order_processing", data, o.key);
        if (started.is_ok()) {
          r.outcome = SagaClientRecord::Outcome::kAcknowledged;
          r.saga_id = started.value();
          break;
        }
        env.clock.sleep_ns(kPollNs);
      }
      input.records.push_back(r);
    }
    bool settled = false;
    for (std::int64_t waited = 0; waited < kSettleNs && !settled; waited += kPollNs) {
      auto unfinished = world.count_unfinished(env);
      settled = unfinished.is_ok() && unfinished.value() == 0 &&
                world.sim().is_up(crash_node > 0 ? crash_node : 1);
      if (!settled) env.clock.sleep_ns(kPollNs);
    }
    if (!settled) out.problems.push_back("liveness: sagas unfinished after the restart");
    auto final_state = world.read_final(env);
    if (final_state.is_ok()) input.final_state = final_state.value();
    if (!final_state.is_ok()) out.problems.push_back("final read failed");
  });
  for (auto& p : check_saga_orders(input)) out.problems.push_back(std::move(p));
  for (const auto& f : report.fiber_failures) out.problems.push_back(f);
  if (input.final_state.sagas.size() != std::size(kOrders)) {
    out.problems.push_back("expected 4 sagas, found " +
                           std::to_string(input.final_state.sagas.size()));
  }
  out.trace_hash = report.trace_hash;
  return out;
}

}  // namespace

RunResult run_saga_crash_points(const RunOptions& options, SagaBug bug) {
  RunResult result;
  CrashRun baseline = run_once(options.seed, bug, 0, 0);
  for (auto& p : baseline.problems) result.problems.push_back("fault-free run: " + p);
  nlohmann::json per_node = nlohmann::json::object();
  int runs = 0;
  for (int node = kOrchestratorNode; node <= kNotificationNode; ++node) {
    const int count = std::min(baseline.boundaries[node], kMaxBoundariesPerNode);
    per_node[saga_node_name(node)] = count;
    for (int b = 1; b <= count; ++b) {
      CrashRun run = run_once(options.seed, bug, node, b);
      ++runs;
      for (auto& p : run.problems) {
        if (result.problems.size() < kMaxSagaProblems) {
          result.problems.push_back(std::string(saga_node_name(node)) +
                                    " crashed at durable step " + std::to_string(b) + ": " + p);
        }
      }
    }
  }
  result.trace_hash = baseline.trace_hash;
  result.verdict = result.problems.empty() ? Verdict::kPass : Verdict::kFail;
  result.details = {{"boundaries", per_node}, {"crash_runs", runs}};
  return result;
}

}  // namespace fl::scenarios
