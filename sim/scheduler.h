// SimScheduler: the deterministic Boost.Fiber algorithm of the simulator.
//
// One OS thread. Among the ready fibers, pick_next() draws with the run's seeded PRNG; the
// dispatcher context is kept out of the draw. Virtual time stands still while fibers run and is
// advanced only from the dispatcher, when nothing else is ready, by jumping to the earliest timer.
// Every pick and every timer event is folded into a running trace hash.
//
// Aborts (with a clear message) on:
//  - a real-time wait (Boost's own sleep_for or timed waits reach suspend_until with a finite
//    time): simulated code must wait through the seam's Clock;
//  - a deadlock: no ready fiber and no pending timer while fibers are still blocked; the message
//    lists every blocked fiber, its node and what it waits for.
//
// Fibers belong to nodes. A paused node's fibers are held back when they become ready and
// released on resume. Crash support: park() throws io::NodeCrashed into a fiber whose node
// incarnation has ended, and crash_node() wakes every parked fiber of that node so it unwinds.
#pragma once

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/timer_queue.h"
#include "sim/trace.h"
#include "system/io/random.h"

namespace fl::sim {

constexpr int kNoNode = -1;

// A handle to one park of one fiber: unpark(ref) wakes it only if it is still in that park.
struct FiberRef {
  std::uint64_t fiber_id = 0;
  std::uint64_t park_seq = 0;
};

class FiberProps : public boost::fibers::fiber_properties {
 public:
  explicit FiberProps(boost::fibers::context* ctx) : fiber_properties(ctx) {}

  std::uint64_t id = 0;  // 0 for the main context; sequential in creation order otherwise
  int node = kNoNode;
  std::uint64_t incarnation = 0;
  std::string name;
  bool parked = false;
  std::uint64_t park_seq = 0;
  const char* waiting_for = "";
  bool woken_by_timer = false;
};

enum class WakeReason : std::uint8_t { kUnparked, kTimeout };

class SimScheduler final : public boost::fibers::algo::algorithm_with_properties<FiberProps> {
 public:
  using Context = boost::fibers::context;

  // Receives kDeliver timer events (the network). Runs inside pick_next(): it may only make fibers
  // ready (unpark), never call fiber APIs that switch.
  using EventSink = std::function<void(std::uint64_t payload)>;

  SimScheduler(std::uint64_t seed, Trace* trace);

  // Installed on the calling thread by the Simulator; the thread's scheduler owns it.
  // --- boost::fibers::algo::algorithm_with_properties ---
  void awakened(Context* ctx, FiberProps& props) noexcept override;
  Context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  // Called by Boost's dispatcher with a real time point: aborts (see the file comment).
  void suspend_until(
      std::chrono::steady_clock::time_point const& when) noexcept override;  // tidy:allow Boost API
  void notify() noexcept override {}
  boost::fibers::fiber_properties* new_properties(Context* ctx) override;

  // --- used by the simulator ---
  std::int64_t now_ns() const { return now_ns_; }
  std::uint64_t events() const { return events_; }
  io::Random& random() { return random_; }
  void set_event_sink(EventSink sink) { sink_ = std::move(sink); }

  // The next fiber created on this thread belongs to `node`/`incarnation` and is called `name`.
  void prepare_spawn(int node, std::uint64_t incarnation, std::string name);
  // Called by a fiber's entry wrapper when its body has returned or unwound.
  void on_fiber_exit(std::uint64_t fiber_id);
  std::size_t live_fibers() const { return live_.size(); }

  FiberProps& current();
  // Makes the calling main context parkable (id 0); called once per run by the Simulator.
  void adopt_main();
  // Parks the calling fiber until unpark(ref) or, if until_ns >= 0, virtual time until_ns.
  // Throws io::NodeCrashed if its node's incarnation ended meanwhile (or before).
  WakeReason park(const char* waiting_for, std::int64_t until_ns);
  FiberRef current_ref() const;
  // Wakes the fiber if it is still parked in that park. Safe from fibers and event sinks.
  void unpark(FiberRef ref);
  // Lets other ready fibers run (a suspension point that also checks for crashes).
  void yield();
  void schedule_event(std::int64_t at_ns, std::uint64_t payload);

  // Node state. Node indexes are dense, from 0.
  void ensure_node(int node);
  void set_node_paused(int node, bool paused);
  bool node_paused(int node) const { return nodes_.at(static_cast<std::size_t>(node)).paused; }
  // Ends the node's incarnation `incarnation`: its fibers unwind at their next suspension point.
  void crash_node(int node);
  void set_node_incarnation(int node, std::uint64_t incarnation);
  bool node_alive(int node, std::uint64_t incarnation) const;

  // Limits: beyond them the run is stopped (on_limit is called once, from the dispatcher).
  void set_limits(std::uint64_t max_events, std::int64_t max_time_ns,
                  std::function<void(const std::string&)> on_limit);

  // Text listing every live fiber and what it waits for (deadlock reports).
  std::string describe_fibers() const;

 private:
  struct NodeState {
    std::uint64_t incarnation = 0;
    bool alive = false;
    bool paused = false;
    std::vector<Context*> held;  // became ready while paused
  };

  void make_ready(Context* ctx, FiberProps& props);
  bool advance_time();
  void check_crashed(const FiberProps& props) const;
  void check_limits();

  io::Random random_;
  Trace* trace_;
  std::int64_t now_ns_ = 0;
  std::uint64_t events_ = 0;
  std::vector<Context*> ready_;
  Context* dispatcher_ = nullptr;
  Context* main_ctx_ = nullptr;
  TimerQueue timers_;
  EventSink sink_;
  std::vector<NodeState> nodes_;
  // Live fibers by id, for unpark() and diagnostics. Never iterated for decisions (see
  // describe_fibers(), which sorts).
  std::unordered_map<std::uint64_t, Context*> live_;
  std::uint64_t next_fiber_id_ = 1;
  int spawn_node_ = kNoNode;
  std::uint64_t spawn_incarnation_ = 0;
  std::string spawn_name_;
  std::uint64_t max_events_ = ~0ULL;
  std::int64_t max_time_ns_ = INT64_MAX;
  bool limit_hit_ = false;
  std::function<void(const std::string&)> on_limit_;
};

}  // namespace fl::sim
