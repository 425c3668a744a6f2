#include "scenarios/selftest_nemesis.h"

namespace fl::scenarios {
namespace {
const char* const kFaultNames[] = {"partition-halves", "isolate", "one-way", "loss",  "duplicate",
                                   "tail-latency",     "clog",    "crash",   "pause", "clock-jump",
                                   "clock-drift",      "heal"};
}  // namespace

SelftestNemesis::SelftestNemesis(sim::Simulator& sim, int nodes)
    : sim_(sim),
      nodes_(nodes),
      rnd_(sim.random().fork("nemesis")),
      restarts_(static_cast<std::size_t>(nodes) + 1, 0),
      injected_(kFaultCount, 0) {
  for (int f = 0; f < kFaultCount; ++f) {
    if (rnd_.one_in(2)) enabled_.push_back(static_cast<Fault>(f));
  }
  if (enabled_.empty()) enabled_.push_back(static_cast<Fault>(rnd_.below(kFaultCount)));
}

int SelftestNemesis::random_node() { return 1 + static_cast<int>(rnd_.below(nodes_)); }

void SelftestNemesis::later(std::string name, std::int64_t delay_ns, std::function<void()> action) {
  sim_.spawn(sim::Simulator::kHarnessNode, std::move(name),
             [this, delay_ns, action = std::move(action)] {
               sim_.sleep_until(sim_.now_ns() + delay_ns);
               if (!healed_) action();
             });
}

void SelftestNemesis::inject(Fault fault) {
  ++injected_[fault];
  auto& net = sim_.network();
  switch (fault) {
    case kPartitionHalves: {
      std::vector<int> side(static_cast<std::size_t>(nodes_) + 1, 0);
      for (int i = 1; i <= nodes_; ++i) side[i] = static_cast<int>(rnd_.below(2));
      for (int a = 1; a <= nodes_; ++a)
        for (int b = 1; b <= nodes_; ++b)
          if (side[a] != side[b]) net.set_blocked(a, b, true);
      break;
    }
    case kIsolate: {
      const int n = random_node();
      for (int i = 0; i <= nodes_; ++i) {
        if (i == n) continue;
        net.set_blocked(n, i, true);
        net.set_blocked(i, n, true);
      }
      break;
    }
    case kOneWay:
      net.set_blocked(random_node(), random_node(), true);
      break;
    case kLoss:
      net.default_link().loss = 0.05 + 0.3 * rnd_.unit();
      break;
    case kDuplicate:
      net.default_link().duplicate = 0.05 + 0.3 * rnd_.unit();
      break;
    case kTail:
      net.default_link().tail = 0.01 + 0.2 * rnd_.unit();
      break;
    case kClog:
      net.clog(random_node(), random_node(), sim_.now_ns() + rnd_.between(10, 500) * io::kNsPerMs);
      break;
    case kCrash: {
      const int n = random_node();
      if (!sim_.is_up(n)) break;
      sim_.crash(n);
      later("restart", rnd_.between(50, 2000) * io::kNsPerMs, [this, n] {
        if (sim_.is_up(n)) return;
        sim_.restart(n);
        ++restarts_[n];
      });
      break;
    }
    case kPause: {
      const int n = random_node();
      sim_.pause(n);
      later("resume", rnd_.between(50, 1500) * io::kNsPerMs, [this, n] { sim_.resume(n); });
      break;
    }
    case kClockJump:
      sim_.set_wall_offset(random_node(), rnd_.between(-60, 60) * io::kNsPerSec);
      break;
    case kClockDrift:
      sim_.set_drift_ppm(random_node(), rnd_.between(-50000, 50000));
      break;
    case kHeal:
      net.heal();
      net.default_link() = sim::LinkConfig{};
      break;
    case kFaultCount:
      break;
  }
  sim_.trace().note(sim_.now_ns(), std::string("nemesis ") + kFaultNames[fault]);
}

void SelftestNemesis::run_until(std::int64_t until_ns) {
  for (int i = 0; i < kMaxFaults && sim_.now_ns() < until_ns; ++i) {
    const std::int64_t wait = rnd_.between(100, 700) * io::kNsPerMs;
    sim_.sleep_until(std::min(until_ns, sim_.now_ns() + wait));
    if (sim_.now_ns() >= until_ns) break;
    inject(enabled_[rnd_.below(enabled_.size())]);
  }
}

void SelftestNemesis::heal_all() {
  healed_ = true;
  auto& net = sim_.network();
  net.heal();
  net.default_link() = sim::LinkConfig{};
  for (int n = 1; n <= nodes_; ++n) {
    sim_.resume(n);
    if (!sim_.is_up(n)) {
      sim_.restart(n);
      ++restarts_[n];
    }
  }
  sim_.trace().note(sim_.now_ns(), "nemesis heal-all");
}

nlohmann::json SelftestNemesis::summary() const {
  nlohmann::json enabled = nlohmann::json::array();
  for (Fault f : enabled_) enabled.push_back(kFaultNames[f]);
  nlohmann::json counts = nlohmann::json::object();
  for (int f = 0; f < kFaultCount; ++f) {
    if (injected_[f] > 0) counts[kFaultNames[f]] = injected_[f];
  }
  return {{"enabled", enabled}, {"injected", counts}};
}

}  // namespace fl::scenarios
