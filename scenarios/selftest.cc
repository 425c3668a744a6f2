// The simulator's self-test scenario: a permanent regression test of sim/ itself.
//
// Five nodes run the EchoService; eight clients on the harness node call /echo and /relay on
// random nodes while a nemesis draws faults (the seed picks which kinds are enabled: swarm
// testing). Then every fault is healed and each client must reach every node (liveness).
// Invariants checked:
//  - every acknowledged request was handled by the node (and incarnation) that answered it;
//  - no reply ever arrives for a request that was never sent, nor a reply to another request;
//  - every node start the oracle saw was caused by the run (1 + restarts per node), and after
//    the heal every node answers from its newest incarnation (restarts observed);
//  - after the heal phase, every call succeeds.
#include <map>
#include <set>

#include "scenarios/scenario.h"
#include "scenarios/selftest_nemesis.h"
#include "sim/simulator.h"
#include "system/selftest/echo_service.h"

namespace fl::scenarios {
namespace {

constexpr int kNodes = 5;
constexpr int kClients = 8;
constexpr std::int64_t kChaosNs = 20 * io::kNsPerSec;
constexpr std::int64_t kSettleNs = 2 * io::kNsPerSec;
constexpr std::int64_t kCallTimeoutNs = 200 * io::kNsPerMs;
constexpr int kHealCallsPerNode = 3;
constexpr std::size_t kMaxProblems = 50;

class Oracle final : public selftest::EchoObserver {
 public:
  void on_start(const std::string& node, std::uint64_t incarnation) override {
    starts[node].push_back(incarnation);
  }
  void on_handled(const std::string& node, std::uint64_t incarnation,
                  const std::string& body) override {
    handled[body].insert({node, incarnation});
  }
  std::map<std::string, std::vector<std::uint64_t>> starts;
  std::map<std::string, std::set<std::pair<std::string, std::uint64_t>>> handled;
};

struct Ledger {
  std::set<std::string> sent;
  // body -> the (node, incarnation) whose reply acknowledged it
  std::vector<std::pair<std::string, std::pair<std::string, std::uint64_t>>> acked;
  std::map<std::string, std::uint64_t> heal_incarnation;  // node -> incarnation seen after heal
  std::uint64_t ok = 0, failed = 0, indeterminate = 0, relay_502 = 0;
  std::vector<std::string> problems;

  void problem(std::string text) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(text));
  }
};

std::string node_name(int i) { return "n" + std::to_string(i); }

// One call; checks the reply against what was sent. Returns true if acknowledged.
bool call_once(io::Env& env, Ledger& ledger, const std::string& body, const std::string& target,
               const std::string& relay_to) {
  ledger.sent.insert(body);
  io::Request req{"POST", relay_to.empty() ? "/echo" : "/relay/" + relay_to, body};
  auto result = env.transport.call(target, req, env.clock.deadline_after_ns(kCallTimeoutNs));
  if (result.status().is_failed()) ++ledger.failed;
  if (result.status().is_indeterminate()) ++ledger.indeterminate;
  if (!result.is_ok()) return false;
  const io::Response& resp = result.value();
  if (!relay_to.empty() && resp.status == 502) {
    ++ledger.relay_502;
    return false;
  }
  std::string node, echoed;
  std::uint64_t inc = 0;
  if (resp.status != 200 || !selftest::parse_echo_reply(resp.body, &node, &inc, &echoed)) {
    ledger.problem("bad reply from " + target + ": " + std::to_string(resp.status) + " " +
                   resp.body);
    return false;
  }
  if (!ledger.sent.count(echoed)) ledger.problem("reply to a request never sent: " + echoed);
  if (echoed != body) ledger.problem("reply to another request: sent " + body + ", got " + echoed);
  const std::string& expected_node = relay_to.empty() ? target : relay_to;
  if (node != expected_node) ledger.problem("reply from " + node + ", expected " + expected_node);
  ++ledger.ok;
  ledger.acked.push_back({echoed, {node, inc}});
  return true;
}

void client_loop(sim::Simulator& sim, io::Env& env, Ledger& ledger, int client,
                 std::int64_t until_ns) {
  io::Random rnd = sim.random().fork(static_cast<std::uint64_t>(client) + 1000);
  for (std::uint64_t n = 0; sim.now_ns() < until_ns; ++n) {
    const std::string body = "c" + std::to_string(client) + "-" + std::to_string(n) + ":" +
                             std::to_string(rnd.below(1000000));
    const std::string target = node_name(1 + static_cast<int>(rnd.below(kNodes)));
    const std::string relay =
        rnd.one_in(3) ? node_name(1 + static_cast<int>(rnd.below(kNodes))) : std::string();
    call_once(env, ledger, body, target, relay);
    env.clock.sleep_ns(rnd.between(0, 20 * io::kNsPerMs));
  }
}

void heal_phase(io::Env& env, Ledger& ledger) {
  for (int round = 0; round < kHealCallsPerNode; ++round) {
    for (int i = 1; i <= kNodes; ++i) {
      const std::string body = "heal-" + std::to_string(round) + "-" + std::to_string(i) + ":0";
      if (!call_once(env, ledger, body, node_name(i), "")) {
        ledger.problem("liveness: " + node_name(i) + " did not answer after the heal");
        continue;
      }
      ledger.heal_incarnation[node_name(i)] = ledger.acked.back().second.second;
    }
  }
}

void check_oracle(const Oracle& oracle, const SelftestNemesis& nemesis, Ledger& ledger) {
  for (const auto& [body, who] : ledger.acked) {
    auto it = oracle.handled.find(body);
    if (it == oracle.handled.end() || !it->second.count(who)) {
      ledger.problem("acknowledged but never handled by " + who.first + "#" +
                     std::to_string(who.second) + ": " + body);
    }
  }
  for (int i = 1; i <= kNodes; ++i) {
    const std::string n = node_name(i);
    const auto starts = oracle.starts.count(n) ? oracle.starts.at(n).size() : 0;
    const auto expected = 1 + nemesis.restarts(i);
    if (starts != expected) {
      ledger.problem(n + " started " + std::to_string(starts) + " times, expected " +
                     std::to_string(expected));
    }
    auto seen = ledger.heal_incarnation.find(n);
    if (seen != ledger.heal_incarnation.end() && seen->second != starts) {
      ledger.problem(n + " answered from incarnation " + std::to_string(seen->second) +
                     " after the heal, newest is " + std::to_string(starts));
    }
  }
}

}  // namespace

namespace {

RunResult run_selftest_with(const RunOptions& options, const selftest::EchoOptions& echo) {
  sim::SimOptions sim_options;
  sim_options.seed = options.seed;
  sim::Simulator sim(sim_options);
  Oracle oracle;
  for (int i = 1; i <= kNodes; ++i) {
    sim.add_node(node_name(i),
                 [&oracle, echo](io::Env& env) { selftest::start_echo_node(env, &oracle, echo); });
  }
  Ledger ledger;
  SelftestNemesis nemesis(sim, kNodes);
  sim::RunReport report = sim.run([&](io::Env& env) {
    const std::int64_t chaos_end = sim.now_ns() + kChaosNs;
    int done = 0;
    for (int c = 0; c < kClients; ++c) {
      sim.spawn(sim::Simulator::kHarnessNode, "client " + std::to_string(c), [&, c] {
        client_loop(sim, env, ledger, c, chaos_end);
        ++done;
      });
    }
    nemesis.run_until(chaos_end);
    // Bounded wait for the clients to finish their last calls.
    for (int i = 0; i < 1000 && done < kClients; ++i) env.clock.sleep_ns(10 * io::kNsPerMs);
    if (done < kClients) ledger.problem("clients did not finish after the chaos phase");
    nemesis.heal_all();
    env.clock.sleep_ns(kSettleNs);
    heal_phase(env, ledger);
  });
  check_oracle(oracle, nemesis, ledger);
  RunResult result;
  result.trace_hash = report.trace_hash;
  result.problems = ledger.problems;
  for (const auto& f : report.fiber_failures) result.problems.push_back(f);
  if (report.limit_hit) result.problems.push_back(report.limit_message);
  result.verdict = result.problems.empty() ? Verdict::kPass : Verdict::kFail;
  if (report.limit_hit && ledger.problems.empty()) result.verdict = Verdict::kUnknown;
  result.details = {{"calls_ok", ledger.ok},
                    {"calls_failed", ledger.failed},
                    {"calls_indeterminate", ledger.indeterminate},
                    {"relay_502", ledger.relay_502},
                    {"acknowledged", ledger.acked.size()},
                    {"events", report.events},
                    {"virtual_ns", report.virtual_ns},
                    {"faults", nemesis.summary()},
                    {"network",
                     {{"sent", report.network.sent},
                      {"delivered", report.network.delivered},
                      {"lost", report.network.lost},
                      {"partitioned", report.network.partitioned},
                      {"duplicated", report.network.duplicated},
                      {"refused", report.network.refused},
                      {"resets", report.network.resets}}}};
  result.trace_lines = sim.trace().lines();
  return result;
}

}  // namespace

RunResult run_selftest(const RunOptions& options) {
  return run_selftest_with(options, selftest::EchoOptions{});
}

RunResult run_selftest_stale_reply(const RunOptions& options) {
  selftest::EchoOptions echo;
  echo.bug_stale_reply_every = 200;
  return run_selftest_with(options, echo);
}

}  // namespace fl::scenarios
