// The `saga` scenario: clients start order sagas (random sku, quantity, amount; one card in ten
// is declined; stock is scarce so some orders run out) through the orchestrator's RPC while the
// selftest nemesis draws faults over every node (orchestrator, participants, PostgreSQL, Redis,
// Kafka): partitions, loss, duplication, clogging, crashes with restarts (Kafka redelivers what
// a crashed consumer had not committed), pauses and clock jumps/drift. Then every fault is
// healed and every saga must finish (liveness); the saga-orders checker (saga_check.h) judges
// the final state of the stores against what the clients saw.
#include "scenarios/saga_scenario.h"

#include <nlohmann/json.hpp>

#include "scenarios/saga_check.h"
#include "scenarios/selftest_nemesis.h"

namespace fl::scenarios {
namespace {

constexpr int kClients = 4;
constexpr std::size_t kMaxSagasPerRun = 800;  // below saga::kMaxListSagas
constexpr std::int64_t kChaosNs = 20 * io::kNsPerSec;
constexpr std::int64_t kHealWaitNs = 120 * io::kNsPerSec;
constexpr std::int64_t kPollNs = 500 * io::kNsPerMs;
constexpr int kMaxStartAttempts = 10;
constexpr std::int64_t kStartBackoffNs = 300 * io::kNsPerMs;
constexpr int kSkus = 4;
constexpr std::int64_t kStockPerSku = 60;

std::map<std::string, std::int64_t> initial_stock() {
  std::map<std::string, std::int64_t> stock;
  for (int i = 0; i < kSkus; ++i) stock["SKU" + std::to_string(i)] = kStockPerSku;
  return stock;
}

// Starts one order, retrying with the same key; the record says what the client learned.
SagaClientRecord start_order(SagaWorld& world, io::Env& env, io::Random& rnd,
                             const std::string& key) {
  SagaClientRecord r;
  r.idempotency_key = key;
  r.order_id = key;
  r.sku = "SKU" + std::to_string(rnd.below(kSkus));
  r.quantity = rnd.between(1, 3);
  r.amount_cents = rnd.between(100, 10000);
  const std::string card = rnd.one_in(10) ? "declined" : "visa";
  const std::string data =
      nlohmann::json{{"order_id", key},        {"user_id", "u" + key},           {"sku", r.sku},
                     {"quantity", r.quantity}, {"amount_cents", r.amount_cents}, {"card", card}}
          .dump();
  bool all_refused = true;
  for (int attempt = 0; attempt < kMaxStartAttempts; ++attempt) {
    auto started = world.start_saga(env, "order_processing", data, key);
    if (started.is_ok()) {
      r.outcome = SagaClientRecord::Outcome::kAcknowledged;
      r.saga_id = started.value();
      return r;
    }
    if (!started.status().is_failed()) all_refused = false;
    if (r.attempts.size() < 2000) r.attempts += "[" + started.status().to_string() + "]";
    env.clock.sleep_ns(kStartBackoffNs);
  }
  r.outcome =
      all_refused ? SagaClientRecord::Outcome::kRefused : SagaClientRecord::Outcome::kUnknown;
  return r;
}

}  // namespace

SagaWorldOptions saga_world_options(std::uint64_t seed, SagaBug bug) {
  SagaWorldOptions o;
  o.seed = seed;
  o.orchestrator.bug_no_inbox_dedup = bug == SagaBug::kNoInboxDedup;
  o.orchestrator.bug_publish_outside_txn = bug == SagaBug::kPublishOutsideTxn;
  o.orchestrator.bug_compensate_unchecked = bug == SagaBug::kCompensateUnchecked;
  o.payment.bug_refund_without_key = bug == SagaBug::kRefundWithoutKey;
  return o;
}

namespace {

// Waits (bounded) until no saga is unfinished. False if some still are at the end.
bool wait_settled(SagaWorld& world, io::Env& env, std::int64_t for_ns) {
  const std::int64_t until = world.sim().now_ns() + for_ns;
  while (world.sim().now_ns() < until) {
    auto unfinished = world.count_unfinished(env);
    if (unfinished.is_ok() && unfinished.value() == 0) return true;
    env.clock.sleep_ns(kPollNs);
  }
  return false;
}

RunResult finish(const sim::RunReport& report, std::vector<std::string> problems,
                 nlohmann::json details) {
  RunResult result;
  result.trace_hash = report.trace_hash;
  result.problems = std::move(problems);
  for (const auto& f : report.fiber_failures) result.problems.push_back(f);
  if (report.limit_hit) result.problems.push_back(report.limit_message);
  result.verdict = result.problems.empty() ? Verdict::kPass : Verdict::kFail;
  details["events"] = report.events;
  details["virtual_ns"] = report.virtual_ns;
  result.details = std::move(details);
  return result;
}

nlohmann::json summarize(const SagaCheckInput& in) {
  std::map<std::string, int> by_status;
  for (const auto& s : in.final_state.sagas) ++by_status[to_string(s.status)];
  int acked = 0, refused = 0, unknown = 0;
  for (const auto& r : in.records) {
    acked += r.outcome == SagaClientRecord::Outcome::kAcknowledged;
    refused += r.outcome == SagaClientRecord::Outcome::kRefused;
    unknown += r.outcome == SagaClientRecord::Outcome::kUnknown;
  }
  return {{"sagas", by_status},
          {"starts", {{"acknowledged", acked}, {"refused", refused}, {"unknown", unknown}}},
          {"ledger_entries", in.final_state.ledger.size()},
          {"notifications", in.final_state.notifications.size()}};
}

}  // namespace

RunResult run_saga(const RunOptions& options, SagaBug bug) {
  SagaWorld world(saga_world_options(options.seed, bug));
  SelftestNemesis nemesis(world.sim(), kSagaNodeCount);
  SagaCheckInput input;
  input.initial_stock = initial_stock();
  std::vector<std::string> problems;
  sim::RunReport report = world.run([&](io::Env& env) {
    if (io::Status s = world.setup_items(env, input.initial_stock); !s.is_ok()) {
      problems.push_back("setup failed: " + s.to_string());
      return;
    }
    const std::int64_t chaos_end = world.sim().now_ns() + kChaosNs;
    int done = 0;
    for (int c = 0; c < kClients; ++c) {
      world.sim().spawn(0, "client " + std::to_string(c), [&, c] {
        io::Random rnd = world.sim().random().fork(static_cast<std::uint64_t>(c) + 7000);
        for (int n = 0; world.sim().now_ns() < chaos_end && input.records.size() < kMaxSagasPerRun;
             ++n) {
          const std::string key = "c" + std::to_string(c) + "-" + std::to_string(n);
          input.records.push_back(start_order(world, env, rnd, key));
          env.clock.sleep_ns(rnd.between(50, 400) * io::kNsPerMs);
        }
        ++done;
      });
    }
    nemesis.run_until(chaos_end);
    for (int i = 0; i < 1000 && done < kClients; ++i) env.clock.sleep_ns(50 * io::kNsPerMs);
    if (done < kClients) problems.push_back("clients did not finish after the chaos phase");
    nemesis.heal_all();
    if (!wait_settled(world, env, kHealWaitNs)) {
      problems.push_back("liveness: sagas still unfinished 120 s after the heal");
    }
    auto final_state = world.read_final(env);
    if (!final_state.is_ok()) {
      problems.push_back("final read failed: " + final_state.status().to_string());
      return;
    }
    input.final_state = final_state.value();
  });
  for (auto& p : check_saga_orders(input)) problems.push_back(std::move(p));
  nlohmann::json details = summarize(input);
  details["faults"] = nemesis.summary();
  return finish(report, std::move(problems), std::move(details));
}

}  // namespace fl::scenarios

namespace fl::scenarios {

std::vector<ScenarioInfo> saga_scenarios() {
  auto variant = [](SagaBug bug) {
    return [bug](const RunOptions& o) { return run_saga(o, bug); };
  };
  return {
      {"saga",
       "order sagas (orchestrator, inventory, payment, notification over simulated PostgreSQL, "
       "Redis, Kafka); partitions, loss, duplication, crashes with Kafka redelivery, pauses and "
       "clock faults drawn by the seed; checks every saga completed or compensated, stock "
       "conserved, charged once or netting zero, at most one notification, liveness after heal",
       {"sim"},
       variant(SagaBug::kNone)},
      {"saga-crash-points",
       "crashes each saga service at every durable step boundary (commit, produce, cache write) "
       "of a fault-free run in turn, restarts it, and checks the saga invariants after recovery",
       {"sim"},
       [](const RunOptions& o) { return run_saga_crash_points(o); }},
      {"saga-bug-no-inbox-dedup",
       "known-bug variant, must FAIL: the orchestrator applies replies without its inbox",
       {"sim"},
       variant(SagaBug::kNoInboxDedup)},
      {"saga-bug-outbox-outside-txn",
       "known-bug variant, must FAIL: commands are produced before the state change commits",
       {"sim"},
       variant(SagaBug::kPublishOutsideTxn)},
      {"saga-bug-compensate-unchecked",
       "known-bug variant, must FAIL: a step that timed out is assumed failed, not compensated",
       {"sim"},
       variant(SagaBug::kCompensateUnchecked)},
      {"saga-bug-refund-without-key",
       "known-bug variant, must FAIL: refunds ignore their idempotency key and the charge state",
       {"sim"},
       variant(SagaBug::kRefundWithoutKey)},
  };
}

}  // namespace fl::scenarios
