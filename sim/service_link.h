// ServiceLink: the network path between a client node and a simulated server process (the
// PostgreSQL, Redis and Kafka models), for request/response protocols over one TCP connection.
//
// Fault model: each leg takes a latency drawn uniformly in [min, max]; a connection is bound to
// the server incarnation it was opened to and breaks when that incarnation ends or when either
// direction of the link is partitioned; a request to a paused server waits until it resumes or
// the deadline passes. Link faults set on the path (SimNetwork::set_link, as SimFaultPort's
// set_link_faults does) act as they do on TCP (tc netem under a database connection): the
// override's latency above the network's default latency is added to each leg in that
// direction; a lost segment is retransmitted after the retransmission timeout (200 ms,
// doubling, as Linux' TCP_RTO_MIN), and after kMaxRetransmits losses in a row the connection
// breaks; duplicates are discarded by TCP, so they change nothing. A leg slowed by link faults
// past the deadline fails at the deadline (the client gives up on the connection; a request
// that had not arrived never reaches the server, a reply is lost).
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
  static constexpr std::int64_t kRtoMinNs = 200 * io::kNsPerMs;
  static constexpr std::int64_t kRtoMaxNs = 120 * io::kNsPerSec;
  static constexpr int kMaxRetransmits = 15;  // Linux tcp_retries2

  ServiceLink(Simulator* sim, int client, int server, io::Random random, LinkTiming timing);

  int server() const { return server_; }
  Simulator* sim() const { return sim_; }
  // Whether a new connection could be opened now.
  bool reachable() const;
  // Whether a connection opened to `incarnation` is intact.
  bool connected(std::uint64_t incarnation) const;
  // Sleeps one network leg (at most until deadline_ns). Legs to the server also wait out a
  // pause (until deadline_ns). Returns whether the leg arrived and the connection is still
  // intact afterwards.
  bool leg(std::uint64_t incarnation, bool to_server, std::int64_t deadline_ns);
  // Waits while the server is paused, until deadline_ns. Returns whether it is connected then.
  bool wait_unpaused(std::uint64_t incarnation, std::int64_t deadline_ns);

 private:
  struct LegTime {
    std::int64_t ns = 0;
    bool faulted = false;  // the link from -> to has link faults
    bool broken = false;   // TCP gave up on the connection (too many retransmissions)
  };
  // The time one leg from -> to takes.
  LegTime leg_time(int from, int to);

  Simulator* sim_;
  int client_;
  int server_;
  io::Random random_;
  LinkTiming timing_;
};

}  // namespace fl::sim
