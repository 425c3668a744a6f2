#include "sim/simulator.h"

#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/pooled_fixedsize_stack.hpp>

#include "sim/sim_tasks.h"
#include "system/io/assert.h"

namespace fl::sim {

struct Simulator::NodeRuntime {
  NodeRuntime(Simulator* sim, int node, std::uint64_t incarnation, const ClockSkew* skew,
              std::int64_t origin_ns, io::Random rnd)
      : clock(sim->scheduler_.get(), skew, origin_ns),
        random(rnd),
        tasks(sim, node, incarnation),
        endpoint(&sim->network_, sim->scheduler_.get(), &tasks, &clock, node, incarnation),
        env{clock, random, tasks, endpoint} {}

  SimClock clock;
  io::Random random;
  SimTasks tasks;
  SimEndpoint endpoint;
  io::Env env;
  std::shared_ptr<void> extras;  // what the node's setup hook attached (stores)
};

Simulator::Simulator(SimOptions options)
    : options_(options),
      scheduler_(new SimScheduler(options.seed, &trace_)),
      network_(scheduler_.get(), io::Random(options.seed).fork("network")),
      random_(io::Random(options.seed).fork("harness")),
      stacks_(kStackBytes) {
  Node harness;
  harness.name = "client";
  nodes_.push_back(std::move(harness));
  network_.add_node(kHarnessNode, "client");
  scheduler_->ensure_node(kHarnessNode);
}

Simulator::~Simulator() = default;

int Simulator::add_node(std::string name, NodeMain main) {
  FL_ASSERT(!ran_);
  FL_ASSERT(main != nullptr);
  FL_ASSERT_LT(nodes_.size(), kMaxNodes);
  const int index = static_cast<int>(nodes_.size());
  network_.add_node(index, name);
  Node n;
  n.name = std::move(name);
  n.main = std::move(main);
  nodes_.push_back(std::move(n));
  scheduler_->ensure_node(index);
  return index;
}

void Simulator::set_node_setup(int node, NodeSetup setup) {
  FL_ASSERT(!ran_);
  node_at(node).setup = std::move(setup);
}

const std::string& Simulator::node_name(int node) const { return node_at(node).name; }

Simulator::Node& Simulator::node_at(int node) {
  FL_ASSERT(node >= 0 && node < node_count());
  return nodes_[static_cast<std::size_t>(node)];
}
const Simulator::Node& Simulator::node_at(int node) const {
  FL_ASSERT(node >= 0 && node < node_count());
  return nodes_[static_cast<std::size_t>(node)];
}

RunReport Simulator::run(std::function<void(io::Env&)> driver) {
  FL_ASSERT(!ran_);
  ran_ = true;
  io::set_assert_context("seed=" + std::to_string(options_.seed));
  auto* boost_scheduler = boost::fibers::context::active()->get_scheduler();
  boost_scheduler->set_algo(scheduler_);
  scheduler_->adopt_main();
  scheduler_->set_event_sink([this](std::uint64_t slot) { network_.on_event(slot); });
  scheduler_->set_limits(options_.max_events, options_.max_time_ns,
                         [this](const std::string& message) {
                           limit_message_ = message;
                           stop_all();
                         });
  driver_ = std::move(driver);
  for (int i = 0; i < node_count(); ++i) start(i);
  spawn(kHarnessNode, "driver", [this] {
    driver_(node_at(kHarnessNode).runtime->env);
    stop_all();
  });
  // The main context waits here until every fiber of the run has returned or unwound.
  while (scheduler_->live_fibers() > 0) {
    main_waiter_ = scheduler_->current_ref();
    scheduler_->park("the end of the simulation", -1);
  }
  RunReport report;
  report.seed = options_.seed;
  report.trace_hash = trace_.hash_hex();
  report.events = scheduler_->events();
  report.virtual_ns = scheduler_->now_ns();
  report.limit_hit = !limit_message_.empty();
  report.limit_message = limit_message_;
  report.fiber_failures = fiber_failures_;
  report.network = network_.stats();
  // Hand the thread back to an ordinary scheduler so later runs (or plain fibers) work.
  boost_scheduler->set_algo(new boost::fibers::algo::round_robin());
  return report;
}

void Simulator::stop_all() {
  if (stopping_) return;
  stopping_ = true;
  trace_.note(now_ns(), "stop all nodes");
  for (int i = 0; i < node_count(); ++i) crash(i);
}

void Simulator::start(int node) {
  Node& n = node_at(node);
  FL_ASSERT(!n.up);
  FL_ASSERT(node == kHarnessNode || n.main != nullptr);
  FL_ASSERT_LT(n.incarnation, options_.max_incarnations_per_node);
  ++n.incarnation;
  n.up = true;
  scheduler_->set_node_incarnation(node, n.incarnation);
  // A new process gets a new monotonic origin and a new random stream.
  io::Random rnd = random_.fork(n.name).fork(n.incarnation);
  const std::int64_t origin = rnd.between(0, 1LL << 40);
  runtimes_.push_back(
      std::make_unique<NodeRuntime>(this, node, n.incarnation, &n.skew, origin, rnd.fork(1)));
  n.runtime = runtimes_.back().get();
  network_.attach(node, &n.runtime->endpoint);
  if (n.setup) n.runtime->extras = n.setup(node, n.runtime->env);
  trace_.note(now_ns(), "start " + n.name + " incarnation " + std::to_string(n.incarnation));
  if (node == kHarnessNode) return;
  NodeRuntime* rt = n.runtime;
  spawn(node, "main", [rt, main = n.main] { main(rt->env); });
}

bool Simulator::is_up(int node) const { return node_at(node).up; }
std::uint64_t Simulator::incarnation(int node) const { return node_at(node).incarnation; }
bool Simulator::is_paused(int node) const { return scheduler_->node_paused(node); }
const ClockSkew& Simulator::skew(int node) const { return node_at(node).skew; }

std::int64_t Simulator::wall_ns(int node) const {
  const ClockSkew& s = node_at(node).skew;
  return kSimEpochWallNs + s.wall_offset_ns + s.local(now_ns());
}

void Simulator::crash(int node) {
  Node& n = node_at(node);
  if (!n.up) return;
  n.up = false;
  n.runtime = nullptr;
  scheduler_->crash_node(node);
  network_.detach(node);
  trace_.note(now_ns(), "crash " + n.name + " incarnation " + std::to_string(n.incarnation));
}

void Simulator::restart(int node) {
  FL_ASSERT(node != kHarnessNode);
  FL_ASSERT(!node_at(node).up);
  if (stopping_) return;  // the run is ending: nothing starts any more
  start(node);
}

void Simulator::pause(int node) {
  if (!node_at(node).up || scheduler_->node_paused(node)) return;
  scheduler_->set_node_paused(node, true);
  trace_.note(now_ns(), "pause " + node_at(node).name);
}

void Simulator::resume(int node) {
  if (!scheduler_->node_paused(node)) return;
  scheduler_->set_node_paused(node, false);
  trace_.note(now_ns(), "resume " + node_at(node).name);
}

void Simulator::set_wall_offset(int node, std::int64_t offset_ns) {
  node_at(node).skew.wall_offset_ns = offset_ns;
  trace_.note(now_ns(), "clock offset " + node_at(node).name + " " + std::to_string(offset_ns));
}

void Simulator::set_drift_ppm(int node, std::int64_t ppm) {
  node_at(node).skew.set_drift(now_ns(), ppm);
  trace_.note(now_ns(), "clock drift " + node_at(node).name + " " + std::to_string(ppm));
}

void Simulator::check_alive() const {
  const FiberProps& p = scheduler_->current();
  if (p.node >= 0 && !scheduler_->node_alive(p.node, p.incarnation)) {
    throw io::NodeCrashed{node_at(p.node).name};
  }
}

void Simulator::spawn(int node, std::string name, std::function<void()> body) {
  Node& n = node_at(node);
  FL_ASSERT_MSG(n.up, "spawn on a node that is down: " << n.name);
  scheduler_->prepare_spawn(node, n.incarnation, std::move(name));
  boost::fibers::fiber(std::allocator_arg, stacks_, [this, body = std::move(body)] {
    fiber_entry(body);
  }).detach();
}

void Simulator::fiber_entry(const std::function<void()>& body) {
  const FiberProps& props = scheduler_->current();
  const std::uint64_t id = props.id;
  try {
    body();
  } catch (const io::NodeCrashed&) {
    // The node crashed: this fiber has unwound, as a crashed process' threads vanish.
  } catch (const std::exception& e) {
    fiber_failures_.push_back("fiber '" + props.name + "' on node " + node_at(props.node).name +
                              " threw: " + e.what());
    trace_.note(now_ns(), fiber_failures_.back());
  } catch (...) {  // anything else is a bug too; record it rather than terminate the process
    fiber_failures_.push_back("fiber '" + props.name + "' threw a non-std exception");
    trace_.note(now_ns(), fiber_failures_.back());
  }
  scheduler_->on_fiber_exit(id);
  if (scheduler_->live_fibers() == 0) scheduler_->unpark(main_waiter_);
}

}  // namespace fl::sim
