#include "sim/service_link.h"

#include <algorithm>

#include "system/io/assert.h"

namespace fl::sim {

ServiceLink::ServiceLink(Simulator* sim, int client, int server, io::Random random,
                         LinkTiming timing)
    : sim_(sim), client_(client), server_(server), random_(random), timing_(timing) {
  FL_ASSERT(sim_ != nullptr);
  FL_ASSERT_LE(timing_.latency_min_ns, timing_.latency_max_ns);
}

bool ServiceLink::reachable() const {
  return sim_->is_up(server_) && !sim_->network().blocked(client_, server_) &&
         !sim_->network().blocked(server_, client_);
}

bool ServiceLink::connected(std::uint64_t incarnation) const {
  return reachable() && sim_->incarnation(server_) == incarnation;
}

ServiceLink::LegTime ServiceLink::leg_time(int from, int to) {
  LegTime t;
  t.ns = random_.between(timing_.latency_min_ns, timing_.latency_max_ns);
  const LinkConfig* faults = sim_->network().override_of(from, to);
  if (faults == nullptr) return t;  // no draws beyond the base latency: unfaulted runs unchanged
  t.faulted = true;
  const LinkConfig& base = sim_->network().default_link();
  const std::int64_t added_min =
      std::max<std::int64_t>(0, faults->latency_min_ns - base.latency_min_ns);
  const std::int64_t added_max = std::max(added_min, faults->latency_max_ns - base.latency_max_ns);
  t.ns += random_.between(added_min, added_max);
  if (faults->loss <= 0) return t;
  std::int64_t rto_ns = kRtoMinNs;
  for (int lost = 0; random_.chance(faults->loss); ++lost) {
    if (lost == kMaxRetransmits) {
      t.broken = true;  // TCP gives up: the connection times out
      return t;
    }
    t.ns += rto_ns;
    rto_ns = std::min(rto_ns * 2, kRtoMaxNs);
  }
  FL_ASSERT_LE(0, t.ns);
  return t;
}

bool ServiceLink::leg(std::uint64_t incarnation, bool to_server, std::int64_t deadline_ns) {
  const LegTime t = to_server ? leg_time(client_, server_) : leg_time(server_, client_);
  const std::int64_t arrive_ns = sim_->now_ns() + t.ns;
  if (t.broken || (t.faulted && arrive_ns > deadline_ns)) {
    sim_->sleep_until(std::max(sim_->now_ns(), std::min(arrive_ns, deadline_ns)));
    return false;
  }
  sim_->sleep_until(arrive_ns);
  if (!to_server) return connected(incarnation);
  return wait_unpaused(incarnation, deadline_ns);
}

bool ServiceLink::wait_unpaused(std::uint64_t incarnation, std::int64_t deadline_ns) {
  constexpr int kMaxPausePolls = 1000000;
  for (int i = 0; i < kMaxPausePolls && sim_->is_paused(server_); ++i) {
    if (sim_->now_ns() >= deadline_ns) return false;
    sim_->sleep_until(std::min(deadline_ns, sim_->now_ns() + io::kNsPerMs));
  }
  return connected(incarnation);
}

}  // namespace fl::sim
