// ServiceLink: the network path between a client node and a simulated server process (the
// PostgreSQL, Redis and Kafka models), for request/response protocols over one connection.
//
// Fault model: each leg takes a latency drawn uniformly in [min, max]; a connection is bound to
// the server incarnation it was opened to and breaks when that incarnation ends or when either
// direction of the link is partitioned; a request to a paused server waits until it resumes or
// the deadline passes.
#pragma once

#include <cstdint>

#include "sim/simulator.h"

namespace fl::sim {

struct LinkTiming {
  std::int64_t latency_min_ns = 100 * io::kNsPerUs;
  std::int64_t latency_max_ns = 1 * io::kNsPerMs;
};

class ServiceLink {
 public:
  ServiceLink(Simulator* sim, int client, int server, io::Random random, LinkTiming timing);

  int server() const { return server_; }
  Simulator* sim() const { return sim_; }
  // Whether a new connection could be opened now.
  bool reachable() const;
  // Whether a connection opened to `incarnation` is intact.
  bool connected(std::uint64_t incarnation) const;
  // Sleeps one network leg. Legs to the server also wait out a pause (until deadline_ns).
  // Returns whether the connection is still intact afterwards.
  bool leg(std::uint64_t incarnation, bool to_server, std::int64_t deadline_ns);
  // Waits while the server is paused, until deadline_ns. Returns whether it is connected then.
  bool wait_unpaused(std::uint64_t incarnation, std::int64_t deadline_ns);

 private:
  Simulator* sim_;
  int client_;
  int server_;
  io::Random random_;
  LinkTiming timing_;
};

}  // namespace fl::sim
