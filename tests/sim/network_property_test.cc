// Properties of the simulated network, over random topologies and traffic (RapidCheck):
//  - no message crosses a blocked link: a node never handles a request whose way in was
//    blocked, a relay never reaches its target over a blocked link, and no reply comes back
//    over a blocked link;
//  - with loss 0, no duplication and no partition, every request is handled exactly once and
//    every call succeeds;
//  - with duplication certain, every request is handled exactly twice and the caller still gets
//    exactly one reply.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "sim/simulator.h"
#include "tests/support/echo_node.h"

namespace fl::sim {
namespace {

constexpr int kNodes = 3;

struct Log final : echo::EchoObserver {
  void on_start(const std::string&, std::uint64_t) override {}
  void on_handled(const std::string& node, std::uint64_t, const std::string& body) override {
    ++handled[body][node];
  }
  std::map<std::string, std::map<std::string, int>> handled;
};

struct Traffic {
  struct Call {
    int via;     // 1..kNodes
    int target;  // 0: plain echo at `via`; else relay from `via` to this node
  };
  std::vector<Call> calls;
};

struct Outcome {
  Log log;
  std::vector<io::Result<io::Response>> results;
};

Outcome run_traffic(std::uint64_t seed, const Traffic& traffic, const LinkConfig& link,
                    const std::vector<bool>& blocked /* (kNodes+1)^2, row = from */) {
  SimOptions options;
  options.seed = seed;
  Simulator sim(options);
  Outcome out;
  for (int i = 1; i <= kNodes; ++i) {
    sim.add_node("n" + std::to_string(i), [&out](io::Env& env) {
      test::start_echo_node(env, &out.log, echo::EchoOptions{100 * io::kNsPerMs, 0});
    });
  }
  sim.run([&](io::Env& env) {
    sim.network().default_link() = link;
    for (int f = 0; f <= kNodes; ++f)
      for (int t = 0; t <= kNodes; ++t)
        if (blocked[static_cast<std::size_t>(f * (kNodes + 1) + t)])
          sim.network().set_blocked(f, t, true);
    int done = 0;
    out.results.assign(traffic.calls.size(), io::Status::failed(io::ErrorKind::kInternal, "unset"));
    for (std::size_t i = 0; i < traffic.calls.size(); ++i) {
      sim.spawn(Simulator::kHarnessNode, "caller", [&, i] {
        const auto& c = traffic.calls[i];
        const std::string path = c.target == 0 ? "/echo" : "/relay/n" + std::to_string(c.target);
        out.results[i] = env.transport.call("n" + std::to_string(c.via),
                                            io::Request{"POST", path, std::to_string(i) + ":p", {}},
                                            env.clock.deadline_after_ns(500 * io::kNsPerMs));
        ++done;
      });
    }
    while (done < static_cast<int>(traffic.calls.size())) env.clock.sleep_ns(io::kNsPerMs);
  });
  return out;
}

Traffic gen_traffic() {
  const auto n = *rc::gen::inRange<std::size_t>(1, 40);
  Traffic t;
  for (std::size_t i = 0; i < n; ++i) {
    t.calls.push_back({*rc::gen::inRange(1, kNodes + 1), *rc::gen::inRange(0, kNodes + 1)});
  }
  return t;
}

bool is_blocked(const std::vector<bool>& b, int from, int to) {
  return b[static_cast<std::size_t>(from * (kNodes + 1) + to)];
}

RC_GTEST_PROP(NetworkProperty, NothingCrossesABlockedLink, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const Traffic traffic = gen_traffic();
  const auto blocked = *rc::gen::container<std::vector<bool>>((kNodes + 1) * (kNodes + 1),
                                                              rc::gen::arbitrary<bool>());
  const Outcome out = run_traffic(seed, traffic, LinkConfig{}, blocked);
  for (std::size_t i = 0; i < traffic.calls.size(); ++i) {
    const auto& c = traffic.calls[i];
    const std::string body = std::to_string(i) + ":p";
    const int handler = c.target == 0 ? c.via : c.target;
    auto it = out.log.handled.find(body);
    const bool handled =
        it != out.log.handled.end() && it->second.count("n" + std::to_string(handler)) > 0;
    if (is_blocked(blocked, 0, c.via)) RC_ASSERT(!handled);
    if (c.target != 0 && is_blocked(blocked, c.via, c.target)) RC_ASSERT(!handled);
    const auto& r = out.results[i];
    if (r.is_ok()) {
      RC_ASSERT(!is_blocked(blocked, 0, c.via));
      RC_ASSERT(!is_blocked(blocked, c.via, 0));
      if (r.value().status == 200) RC_ASSERT(handled);
    }
  }
}

RC_GTEST_PROP(NetworkProperty, ReliableNetworkDeliversExactlyOnce, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const Traffic traffic = gen_traffic();
  const std::vector<bool> none((kNodes + 1) * (kNodes + 1), false);
  const Outcome out = run_traffic(seed, traffic, LinkConfig{}, none);
  for (std::size_t i = 0; i < traffic.calls.size(); ++i) {
    const auto& c = traffic.calls[i];
    RC_ASSERT(out.results[i].is_ok());
    RC_ASSERT(out.results[i].value().status == 200);
    const int handler = c.target == 0 ? c.via : c.target;
    const auto& per_node = out.log.handled.at(std::to_string(i) + ":p");
    RC_ASSERT(per_node.size() == 1u);
    RC_ASSERT(per_node.at("n" + std::to_string(handler)) == 1);
  }
}

RC_GTEST_PROP(NetworkProperty, CertainDuplicationHandlesTwiceRepliesOnce, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Traffic traffic = gen_traffic();
  for (auto& c : traffic.calls) c.target = 0;  // plain echo: one hop, so exactly two copies
  LinkConfig link;
  link.duplicate = 1.0;
  const std::vector<bool> none((kNodes + 1) * (kNodes + 1), false);
  const Outcome out = run_traffic(seed, traffic, link, none);
  for (std::size_t i = 0; i < traffic.calls.size(); ++i) {
    RC_ASSERT(out.results[i].is_ok());
    const auto& per_node = out.log.handled.at(std::to_string(i) + ":p");
    RC_ASSERT(per_node.at("n" + std::to_string(traffic.calls[i].via)) == 2);
  }
}

}  // namespace
}  // namespace fl::sim
