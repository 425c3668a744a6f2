// SimNetwork: the simulated network between nodes, and SimEndpoint, a node's io::Transport.
//
// Fault model (what this network does to messages; the Transport contract allows all of it):
//  - every message gets a latency drawn per link: uniform in [min, max], and with probability
//    `tail` multiplied by `tail_factor` (a long tail); independent draws reorder messages;
//  - loss: a message is dropped with probability `loss`;
//  - duplication: a message is delivered twice with probability `duplicate` (a request may run
//    its handler twice; the caller keeps the first reply);
//  - partitions: a blocked directed link drops every message sent on it or arriving over it,
//    so one-way and two-way partitions are both expressible;
//  - clogging: messages on a clogged link are held until the clog ends, then delivered;
//  - a request to a node that is down is refused (failed/unreachable) after a round trip;
//  - when a node crashes, every caller whose request it had received but not answered gets a
//    connection reset (indeterminate), and requests sent to the old incarnation are refused.
// Replies addressed to a caller incarnation that has since crashed are dropped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/scheduler.h"
#include "sim/sim_clock.h"
#include "system/io/tasks.h"
#include "system/io/transport.h"

namespace fl::sim {

struct LinkConfig {
  std::int64_t latency_min_ns = 500 * 1000;
  std::int64_t latency_max_ns = 2 * 1000 * 1000;
  double tail = 0.0;  // probability of a slow message
  std::int64_t tail_factor = 10;
  double loss = 0.0;
  double duplicate = 0.0;
};

struct NetworkStats {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t partitioned = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t refused = 0;
  std::uint64_t resets = 0;
  std::uint64_t late_replies = 0;  // a reply for a call that had timed out or already completed
};

class SimEndpoint;

class SimNetwork {
 public:
  static constexpr std::size_t kMaxInFlight = 1 << 20;

  SimNetwork(SimScheduler* scheduler, io::Random random);

  void add_node(int node, std::string name);
  int find_node(const std::string& name) const;  // -1 if unknown
  const std::string& node_name(int node) const;
  int node_count() const { return static_cast<int>(names_.size()); }

  LinkConfig& default_link() { return default_link_; }
  void set_link(int from, int to, LinkConfig config);
  // The per-link override of from -> to (set_link), or nullptr when the link uses the default.
  const LinkConfig* override_of(int from, int to) const;
  void clear_link_overrides() { overrides_.clear(); }
  void set_blocked(int from, int to, bool blocked);
  bool blocked(int from, int to) const;
  void clog(int from, int to, std::int64_t until_ns);
  // Removes every partition and clog, and every per-link override.
  void heal();

  void attach(int node, SimEndpoint* endpoint);
  // The node crashed: resets its callers and forgets its endpoint.
  void detach(int node);

  // Used by SimEndpoint.
  void send_request(int from, std::uint64_t from_inc, int to, std::uint64_t call_id,
                    const io::Request& request);
  void send_reply(int from, int to, std::uint64_t to_inc, std::uint64_t call_id,
                  io::Response response);
  void on_event(std::uint64_t slot);

  const NetworkStats& stats() const { return stats_; }
  std::uint64_t incarnation_of(int node) const;

 private:
  enum class Kind : std::uint8_t { kRequest, kReply, kRefused, kReset };
  struct Message {
    Kind kind = Kind::kRequest;
    int from = 0;
    int to = 0;
    std::uint64_t from_inc = 0;  // requests: the caller's incarnation
    std::uint64_t to_inc = 0;    // the addressee's incarnation when sent (0: it was down)
    std::uint64_t call_id = 0;
    io::Request request;
    io::Response response;
  };

  const LinkConfig& link(int from, int to) const;
  void transmit(Message message);
  void schedule_copy(const Message& message, std::int64_t at_ns);
  void deliver(Message& message);
  void bounce(const Message& request, Kind kind);

  SimScheduler* scheduler_;
  io::Random random_;
  std::vector<std::string> names_;
  std::vector<SimEndpoint*> endpoints_;
  LinkConfig default_link_;
  std::map<std::pair<int, int>, LinkConfig> overrides_;
  std::vector<std::uint8_t> blocked_;     // n*n, row = from
  std::vector<std::int64_t> clog_until_;  // n*n
  std::vector<std::optional<Message>> slots_;
  std::vector<std::uint64_t> free_slots_;
  NetworkStats stats_;
};

// A node incarnation's Transport. Lives until the end of the run (fibers of a crashed
// incarnation may still be unwinding through it).
class SimEndpoint final : public io::Transport {
 public:
  static constexpr std::size_t kMaxInbox = 4096;
  static constexpr std::size_t kMaxPendingCalls = 65536;

  SimEndpoint(SimNetwork* network, SimScheduler* scheduler, io::Tasks* tasks, SimClock* clock,
              int node, std::uint64_t incarnation);

  void serve(io::Handler handler) override;
  io::Result<io::Response> call(const std::string& node, const io::Request& request,
                                io::Deadline deadline) override;

  int node() const { return node_; }
  std::uint64_t incarnation() const { return incarnation_; }

  // Network side.
  struct Inbound {
    int from = 0;
    std::uint64_t from_inc = 0;
    std::uint64_t call_id = 0;
    io::Request request;
  };
  bool accept(Inbound inbound);  // false: refused (no handler, inbox full)
  void complete(std::uint64_t call_id, io::Result<io::Response> result);
  // Callers of requests received and not yet answered, for resets on a crash (ordered).
  std::vector<Inbound> unanswered() const;

 private:
  struct Pending {
    FiberRef waiter;
    std::optional<io::Result<io::Response>> result;
  };
  void accept_loop();
  void handle(Inbound inbound);

  SimNetwork* network_;
  SimScheduler* scheduler_;
  io::Tasks* tasks_;
  SimClock* clock_;
  int node_;
  std::uint64_t incarnation_;
  io::Handler handler_;
  bool acceptor_started_ = false;
  std::optional<FiberRef> acceptor_waiter_;
  std::vector<Inbound> inbox_;
  std::size_t inbox_head_ = 0;
  // (caller node, caller incarnation, call id) -> request, for every unanswered inbound request.
  std::map<std::tuple<int, std::uint64_t, std::uint64_t>, Inbound> open_;
  std::map<std::uint64_t, Pending> pending_;
  std::uint64_t next_call_id_ = 0;
};

}  // namespace fl::sim
