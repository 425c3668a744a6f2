#include "sim/service_link.h"

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

bool ServiceLink::leg(std::uint64_t incarnation, bool to_server, std::int64_t deadline_ns) {
  sim_->sleep_until(sim_->now_ns() +
                    random_.between(timing_.latency_min_ns, timing_.latency_max_ns));
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
