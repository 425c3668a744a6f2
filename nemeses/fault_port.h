// FaultPort: the one interface through which nemeses inject faults. The simulator implements it
// over sim::Simulator (sim/); production implements it with signals to the server processes,
// their start scripts, and a fault-injecting TCP proxy on loopback (real/). Nemeses are written
// against this port only, so one nemesis schedule runs unchanged in both modes.
//
// Contract for every fault method: it returns "" when the fault is in force when the call
// returns, or a one-line error saying why it could not be injected (the caller records it in the
// history as a failed nemesis op and goes on). A mode that cannot inject a kind of fault at all
// says so through refuse(kind) before the run starts; nemeses must check it and refuse to start
// with that message, never silently skip the fault.
//
// Node names are the topology's names ("n1", "pg", "redis", "orchestrator"). Faults are
// cumulative until healed; heal_all() ends every fault the port injected: the network is whole,
// killed nodes are restarted, paused nodes resumed. Clock offsets and drift are healed too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fl::nemeses {

enum class FaultKind : std::uint8_t {
  kPartition,     // two-way: groups that cannot reach each other
  kOneWay,        // messages from one node to another are dropped; the reverse still flows
  kLinkFaults,    // loss, duplication, delay on a link
  kKill,          // kill -9 and later restart
  kLoseUnsynced,  // kill that also drops writes not yet synced to disk (fsync/AOF rules)
  kPause,         // SIGSTOP / SIGCONT
  kClock,         // wall-clock offset (jump) and drift
};
const char* to_string(FaultKind kind);

struct LinkFaults {
  double loss = 0;             // probability a message is dropped, 0..1
  double duplicate = 0;        // probability a message is delivered twice, 0..1
  std::int64_t delay_ns = 0;   // extra one-way delay, >= 0
  std::int64_t jitter_ns = 0;  // uniform extra delay in [0, jitter_ns], >= 0
};

class FaultPort {
 public:
  FaultPort() = default;
  FaultPort(const FaultPort&) = delete;
  FaultPort& operator=(const FaultPort&) = delete;
  virtual ~FaultPort() = default;

  // The nodes faults may target, in a stable order. Never the harness itself.
  virtual std::vector<std::string> nodes() const = 0;
  // "" when this mode can inject `kind`; otherwise why not, in one line.
  virtual std::string refuse(FaultKind kind) const = 0;

  // Time as the harness sees it (virtual in simulation) and a suspension point until then.
  virtual std::int64_t now_ns() const = 0;
  virtual void sleep_until_ns(std::int64_t at_ns) = 0;

  // Nodes in different groups cannot reach each other, in either direction. Nodes named in no
  // group keep every link. Replaces any earlier partition (one-way blocks included).
  virtual std::string partition(const std::vector<std::vector<std::string>>& groups) = 0;
  // Drops every message from `from` to `to`; the reverse direction is unaffected.
  virtual std::string block_one_way(const std::string& from, const std::string& to) = 0;
  // Applies `faults` to the link between the two nodes, both directions.
  virtual std::string set_link_faults(const std::string& a, const std::string& b,
                                      const LinkFaults& faults) = 0;
  // Ends partitions, one-way blocks and link faults.
  virtual std::string heal_network() = 0;

  // kill -9. With lose_unsynced, writes the node had acknowledged but not synced are lost
  // (refused where the mode cannot do that).
  virtual std::string kill(const std::string& node, bool lose_unsynced) = 0;
  virtual std::string restart(const std::string& node) = 0;  // REQUIRES: killed
  virtual std::string pause(const std::string& node) = 0;
  virtual std::string resume(const std::string& node) = 0;  // REQUIRES: paused
  // Sets the node's wall clock to run `offset_ns` away from true time, drifting by `drift_ppm`.
  virtual std::string set_clock(const std::string& node, std::int64_t offset_ns,
                                std::int64_t drift_ppm) = 0;

  // Ends every fault injected through this port (see the file comment). Returns "" or errors.
  virtual std::string heal_all() = 0;
};

}  // namespace fl::nemeses
