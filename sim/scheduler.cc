#include "sim/scheduler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "system/io/assert.h"
#include "system/io/tasks.h"

namespace fl::sim {

using boost::fibers::type;

SimScheduler::SimScheduler(std::uint64_t seed, Trace* trace)
    : random_(io::Random(seed).fork("scheduler")), trace_(trace) {
  FL_ASSERT(trace_ != nullptr);
  ready_.reserve(1024);
}

boost::fibers::fiber_properties* SimScheduler::new_properties(Context* ctx) {
  auto* props = new FiberProps(ctx);
  if (ctx->is_context(type::main_context)) {
    props->name = "main";
  } else if (ctx->is_context(type::dispatcher_context)) {
    props->name = "dispatcher";
    props->id = ~0ULL;
  } else {
    props->id = next_fiber_id_++;
    props->node = spawn_node_;
    props->incarnation = spawn_incarnation_;
    props->name = std::move(spawn_name_);
    spawn_node_ = kNoNode;
    spawn_name_.clear();
    live_.emplace(props->id, ctx);
    trace_->fold(TraceTag::kSpawn, props->id);
  }
  return props;
}

void SimScheduler::prepare_spawn(int node, std::uint64_t incarnation, std::string name) {
  spawn_node_ = node;
  spawn_incarnation_ = incarnation;
  spawn_name_ = std::move(name);
}

void SimScheduler::on_fiber_exit(std::uint64_t fiber_id) {
  const auto erased = live_.erase(fiber_id);
  FL_ASSERT_EQ(erased, 1u);
}

void SimScheduler::awakened(Context* ctx, FiberProps& props) noexcept {
  if (ctx->is_context(type::dispatcher_context)) {
    dispatcher_ = ctx;
    return;
  }
  make_ready(ctx, props);
}

void SimScheduler::make_ready(Context* ctx, FiberProps& props) {
  if (props.node >= 0) {
    NodeState& st = nodes_[static_cast<std::size_t>(props.node)];
    if (st.paused && st.alive && st.incarnation == props.incarnation) {
      st.held.push_back(ctx);
      return;
    }
  }
  ready_.push_back(ctx);
}

SimScheduler::Context* SimScheduler::pick_next() noexcept {
  // Bounded: each pass either returns or consumes at least one timer entry.
  for (;;) {
    if (!ready_.empty()) {
      const std::size_t n = ready_.size();
      const std::size_t i = n == 1 ? 0 : static_cast<std::size_t>(random_.below(n));
      Context* ctx = ready_[i];
      ready_[i] = ready_.back();
      ready_.pop_back();
      ++events_;
      trace_->fold(TraceTag::kPick, properties(ctx).id);
      return ctx;
    }
    Context* active = Context::active();
    if (dispatcher_ != nullptr) {
      Context* d = dispatcher_;
      dispatcher_ = nullptr;
      if (d != active) return d;
    }
    // Only the dispatcher may advance time: returning the suspending context itself would crash.
    if (!active->is_context(type::dispatcher_context)) return nullptr;
    if (!advance_time()) return nullptr;
  }
}

bool SimScheduler::advance_time() {
  if (timers_.empty()) return false;
  const std::int64_t t = timers_.top().at_ns;
  FL_ASSERT_LE(now_ns_, t);
  if (t != now_ns_) {
    now_ns_ = t;
    trace_->fold(TraceTag::kTimer, static_cast<std::uint64_t>(now_ns_));
  }
  while (!timers_.empty() && timers_.top().at_ns == t) {
    const TimerEntry e = timers_.pop();
    if (e.kind == 0) {
      auto it = live_.find(e.a);
      if (it == live_.end()) continue;
      FiberProps& p = properties(it->second);
      if (!p.parked || p.park_seq != e.b) continue;
      p.parked = false;
      p.woken_by_timer = true;
      make_ready(it->second, p);
    } else {
      ++events_;
      trace_->fold(TraceTag::kEvent, e.a);
      FL_ASSERT(sink_ != nullptr);
      sink_(e.a);
    }
  }
  check_limits();
  return true;
}

void SimScheduler::check_limits() {
  if (limit_hit_) return;
  if (events_ <= max_events_ && now_ns_ <= max_time_ns_) return;
  limit_hit_ = true;
  std::ostringstream os;
  os << "simulation limit reached: events=" << events_ << " (max " << max_events_
     << "), virtual time=" << now_ns_ << "ns (max " << max_time_ns_ << "ns)";
  if (on_limit_) on_limit_(os.str());
}

void SimScheduler::set_limits(std::uint64_t max_events, std::int64_t max_time_ns,
                              std::function<void(const std::string&)> on_limit) {
  max_events_ = max_events;
  max_time_ns_ = max_time_ns;
  on_limit_ = std::move(on_limit);
}

bool SimScheduler::has_ready_fibers() const noexcept {
  return !ready_.empty() || dispatcher_ != nullptr;
}

// Boost's algorithm interface speaks real time; the value is only compared with max().
using BoostTimePoint = std::chrono::steady_clock::time_point;  // tidy:allow Boost's API

void SimScheduler::suspend_until(BoostTimePoint const& when) noexcept {
  if (when != BoostTimePoint::max()) {
    std::fprintf(stderr,
                 "SIMULATION ERROR: a fiber used a real-time wait (boost::this_fiber::sleep_for, "
                 "a timed mutex/condition/channel/future wait) under the simulator. Wait through "
                 "the seam's Clock instead.\n%s\n",
                 describe_fibers().c_str());
  } else {
    std::fprintf(stderr,
                 "SIMULATION DEADLOCK at virtual time %lld ns: no fiber is ready and no timer is "
                 "pending.\nBlocked fibers:\n%s\n",
                 static_cast<long long>(now_ns_), describe_fibers().c_str());
  }
  io::assert_fail("simulated fibers can make progress", __FILE__, __LINE__, io::assert_context());
}

FiberProps& SimScheduler::current() { return properties(Context::active()); }

FiberRef SimScheduler::current_ref() const {
  auto* p = static_cast<FiberProps*>(Context::active()->get_properties());
  FL_ASSERT(p != nullptr);
  return FiberRef{p->id, p->park_seq + 1};
}

void SimScheduler::check_crashed(const FiberProps& p) const {
  if (p.node < 0) return;
  const NodeState& st = nodes_[static_cast<std::size_t>(p.node)];
  if (!st.alive || st.incarnation != p.incarnation) throw io::NodeCrashed{std::to_string(p.node)};
}

WakeReason SimScheduler::park(const char* waiting_for, std::int64_t until_ns) {
  Context* self = Context::active();
  FiberProps& p = properties(self);
  FL_ASSERT(!p.parked);
  check_crashed(p);
  p.parked = true;
  ++p.park_seq;
  p.waiting_for = waiting_for;
  p.woken_by_timer = false;
  if (until_ns >= 0) {
    FL_ASSERT_LE(now_ns_, until_ns);
    timers_.push(TimerEntry{until_ns, 0, 0, p.id, p.park_seq});
  }
  self->suspend();
  FL_ASSERT(!p.parked);
  p.waiting_for = "";
  check_crashed(p);
  return p.woken_by_timer ? WakeReason::kTimeout : WakeReason::kUnparked;
}

void SimScheduler::unpark(FiberRef ref) {
  Context* ctx = nullptr;
  if (ref.fiber_id == 0) {
    ctx = main_ctx_;
  } else {
    auto it = live_.find(ref.fiber_id);
    if (it != live_.end()) ctx = it->second;
  }
  if (ctx == nullptr) return;
  FiberProps& p = properties(ctx);
  if (!p.parked || p.park_seq != ref.park_seq) return;
  p.parked = false;
  make_ready(ctx, p);
}

void SimScheduler::yield() {
  Context* self = Context::active();
  FiberProps& p = properties(self);
  check_crashed(p);
  self->yield();
  check_crashed(p);
}

void SimScheduler::schedule_event(std::int64_t at_ns, std::uint64_t payload) {
  FL_ASSERT_LE(now_ns_, at_ns);
  timers_.push(TimerEntry{at_ns, 0, 1, payload, 0});
}

void SimScheduler::adopt_main() {
  Context* self = Context::active();
  FL_ASSERT(self->is_context(type::main_context));
  main_ctx_ = self;
  if (self->get_properties() == nullptr) self->set_properties(new_properties(self));
  FiberProps& p = properties(self);
  p.id = 0;
  p.node = kNoNode;
  p.incarnation = 0;
  p.parked = false;
  p.park_seq = 0;
}

void SimScheduler::ensure_node(int node) {
  FL_ASSERT(node >= 0);
  if (nodes_.size() <= static_cast<std::size_t>(node)) nodes_.resize(node + 1);
}

void SimScheduler::set_node_incarnation(int node, std::uint64_t incarnation) {
  NodeState& st = nodes_.at(static_cast<std::size_t>(node));
  FL_ASSERT(!st.alive);
  FL_ASSERT_LT(st.incarnation, incarnation);
  st.incarnation = incarnation;
  st.alive = true;
  st.paused = false;
}

bool SimScheduler::node_alive(int node, std::uint64_t incarnation) const {
  const NodeState& st = nodes_.at(static_cast<std::size_t>(node));
  return st.alive && st.incarnation == incarnation;
}

void SimScheduler::set_node_paused(int node, bool paused) {
  NodeState& st = nodes_.at(static_cast<std::size_t>(node));
  if (st.paused == paused) return;
  st.paused = paused;
  if (paused) {
    // Fibers already ready on the node must not run either.
    std::vector<Context*> keep;
    keep.reserve(ready_.size());
    for (Context* ctx : ready_) {
      const FiberProps& p = properties(ctx);
      if (p.node == node && p.incarnation == st.incarnation) {
        st.held.push_back(ctx);
      } else {
        keep.push_back(ctx);
      }
    }
    ready_.swap(keep);
  } else {
    for (Context* ctx : st.held) ready_.push_back(ctx);
    st.held.clear();
  }
}

void SimScheduler::crash_node(int node) {
  NodeState& st = nodes_.at(static_cast<std::size_t>(node));
  if (!st.alive) return;
  st.alive = false;
  st.paused = false;
  for (Context* ctx : st.held) ready_.push_back(ctx);
  st.held.clear();
  // Wake every parked fiber of the node, in fiber-id order (never hash order), so it unwinds.
  std::vector<std::uint64_t> ids;
  for (const auto& [id, ctx] : live_) {
    const FiberProps& p = properties(ctx);
    if (p.node == node && p.parked) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  for (std::uint64_t id : ids) {
    Context* ctx = live_.at(id);
    FiberProps& p = properties(ctx);
    p.parked = false;
    ready_.push_back(ctx);
  }
}

std::string SimScheduler::describe_fibers() const {
  std::vector<std::pair<std::uint64_t, Context*>> fibers(live_.begin(), live_.end());
  std::sort(fibers.begin(), fibers.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::ostringstream os;
  constexpr std::size_t kMaxListed = 200;
  std::size_t listed = 0;
  for (const auto& [id, ctx] : fibers) {
    if (++listed > kMaxListed) {
      os << "  ... and " << (fibers.size() - kMaxListed) << " more\n";
      break;
    }
    const auto* p = static_cast<const FiberProps*>(ctx->get_properties());
    os << "  fiber " << id << " '" << p->name << "' node " << p->node << " incarnation "
       << p->incarnation << ": "
       << (p->parked ? std::string("blocked on ") + p->waiting_for
                     : "blocked on a Boost.Fiber primitive (mutex, condition, future, channel), "
                       "or ready")
       << "\n";
  }
  if (fibers.empty()) os << "  (none)\n";
  return os.str();
}

}  // namespace fl::sim
