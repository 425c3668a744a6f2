// The selftest in real mode: five EchoService nodes serving real HTTP/1.1 on loopback ports in
// this process, eight client fibers calling /echo and /relay for a few seconds of wall time.
// No faults are injected (process and network faults in real mode belong to the harness); the
// checks are the same as in simulation: every acknowledged request was handled by the node that
// answered, no reply to a request never sent, and every call succeeds (liveness).
#include <map>
#include <set>

#include "real/http_rpc.h"
#include "real/node_runtime.h"
#include "scenarios/scenario.h"
#include "system/selftest/echo_service.h"

namespace fl::scenarios {
namespace {

constexpr int kNodes = 5;
constexpr int kClients = 8;
constexpr std::int64_t kRunNs = 2 * io::kNsPerSec;
constexpr std::size_t kMaxProblems = 50;

struct Ledger final : selftest::EchoObserver {
  void on_start(const std::string& node, std::uint64_t) override { ++starts[node]; }
  void on_handled(const std::string& node, std::uint64_t, const std::string& body) override {
    handled.insert({node, body});
  }
  void problem(std::string text) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(text));
  }
  std::map<std::string, int> starts;
  std::set<std::pair<std::string, std::string>> handled;
  std::vector<std::pair<std::string, std::string>> acked;
  std::uint64_t failed = 0;
  std::vector<std::string> problems;
};

void client(io::Env& env, Ledger& ledger, int c, std::int64_t until_ns) {
  io::Random rnd(static_cast<std::uint64_t>(c) + 1);
  for (std::uint64_t n = 0; env.clock.monotonic_ns() < until_ns; ++n) {
    const std::string body = "c" + std::to_string(c) + "-" + std::to_string(n) + ":x";
    const std::string target = "n" + std::to_string(1 + rnd.below(kNodes));
    const bool relay = rnd.one_in(3);
    const std::string relay_to = "n" + std::to_string(1 + rnd.below(kNodes));
    io::Request req{"POST", relay ? "/relay/" + relay_to : "/echo", body};
    auto r = env.transport.call(target, req, env.clock.deadline_after_ns(io::kNsPerSec));
    if (!r.is_ok() || r.value().status != 200) {
      ++ledger.failed;
      ledger.problem("liveness: " + target + " " + req.path + " failed: " +
                     (r.is_ok() ? std::to_string(r.value().status) : r.status().to_string()));
      continue;
    }
    std::string node, echoed;
    std::uint64_t inc = 0;
    if (!selftest::parse_echo_reply(r.value().body, &node, &inc, &echoed) || echoed != body) {
      ledger.problem("reply to another request: sent " + body + ", got " + r.value().body);
      continue;
    }
    ledger.acked.push_back({node, body});
  }
}

}  // namespace

RunResult run_selftest_real(const RunOptions& options) {
  Ledger ledger;
  real::run_fibers([&] {
    std::vector<std::unique_ptr<real::RealNode>> nodes;
    std::map<std::string, std::string> peers;
    for (int i = 1; i <= kNodes; ++i) {
      const std::string name = "n" + std::to_string(i);
      nodes.push_back(std::make_unique<real::RealNode>(name, options.seed + i,
                                                       std::map<std::string, std::string>{}, 0));
      selftest::start_echo_node(nodes.back()->env(), &ledger);
      peers[name] = "127.0.0.1:" + std::to_string(nodes.back()->transport().port());
    }
    for (auto& n : nodes) {
      for (const auto& [name, addr] : peers) n->transport().set_peer(name, addr);
    }
    real::RealNode harness("client", options.seed, peers, 0);
    const std::int64_t until = harness.env().clock.monotonic_ns() + kRunNs;
    int done = 0;
    for (int c = 0; c < kClients; ++c) {
      harness.env().tasks.spawn("client", [&, c] {
        client(harness.env(), ledger, c, until);
        ++done;
      });
    }
    for (int i = 0; i < 10000 && done < kClients; ++i) harness.env().clock.sleep_ns(io::kNsPerMs);
    for (auto& n : nodes) n->transport().stop();
  });
  for (const auto& ack : ledger.acked) {
    if (!ledger.handled.count(ack)) ledger.problem("acknowledged but never handled: " + ack.second);
  }
  RunResult result;
  result.problems = ledger.problems;
  result.verdict =
      result.problems.empty() && !ledger.acked.empty() ? Verdict::kPass : Verdict::kFail;
  result.details = {{"calls_ok", ledger.acked.size()},
                    {"calls_failed", ledger.failed},
                    {"nodes", kNodes},
                    {"clients", kClients}};
  return result;
}

}  // namespace fl::scenarios
