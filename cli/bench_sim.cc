// `faultline bench sim`: the simulator's speed, beside a raw fiber-switch baseline measured in
// the same process. Wall-clock time is read here, in the composition root, never in sim/.
#include <boost/fiber/all.hpp>
#include <chrono>
#include <iomanip>

#include "cli/args.h"
#include "cli/cli.h"
#include "sim/pg/sim_sql_store.h"
#include "sim/simulator.h"

namespace fl::cli {
namespace {

using WallClock = std::chrono::steady_clock;

double seconds_since(WallClock::time_point start) {
  return std::chrono::duration<double>(WallClock::now() - start).count();
}

// Two plain fibers on Boost's round_robin yielding to each other.
double baseline_switches_per_sec(std::uint64_t switches) {
  const auto start = WallClock::now();
  auto body = [switches] {
    for (std::uint64_t i = 0; i < switches / 2; ++i) boost::this_fiber::yield();
  };
  boost::fibers::fiber a(body), b(body);
  a.join();
  b.join();
  return static_cast<double>(switches) / seconds_since(start);
}

struct SimFigures {
  double events_per_sec = 0;
  double rpcs_per_sec = 0;
  double virtual_per_wall = 0;
  std::uint64_t events = 0;
  std::string trace_hash;
};

// `fibers` fibers yielding in the simulator: the cost of a seeded, traced pick.
SimFigures sim_yield(std::uint64_t seed, int fibers, std::uint64_t yields_each) {
  sim::SimOptions options;
  options.seed = seed;
  sim::Simulator sim(options);
  const auto start = WallClock::now();
  auto report = sim.run([&](io::Env& env) {
    int done = 0;
    for (int f = 0; f < fibers; ++f) {
      sim.spawn(sim::Simulator::kHarnessNode, "yielder", [&] {
        for (std::uint64_t i = 0; i < yields_each; ++i) sim.yield();
        ++done;
      });
    }
    while (done < fibers) env.clock.sleep_ns(io::kNsPerMs);
  });
  SimFigures f;
  f.events = report.events;
  f.events_per_sec = static_cast<double>(report.events) / seconds_since(start);
  f.trace_hash = report.trace_hash;
  return f;
}

// Client fibers calling echo nodes over the simulated network.
SimFigures sim_rpc(std::uint64_t seed, int nodes, int clients, std::int64_t virtual_ns) {
  sim::SimOptions options;
  options.seed = seed;
  sim::Simulator sim(options);
  for (int i = 1; i <= nodes; ++i) {
    // An echo handler without routing or work: the simulator's own cost is what is measured.
    sim.add_node("n" + std::to_string(i), [](io::Env& env) {
      env.transport.serve([&env](const io::Request& r) {
        return io::Response{
            200,
            env.tasks.node_name() + "|" + std::to_string(env.tasks.incarnation()) + "|" + r.body,
            {}};
      });
    });
  }
  std::uint64_t rpcs = 0;
  const auto start = WallClock::now();
  auto report = sim.run([&](io::Env& env) {
    const std::int64_t end = sim.now_ns() + virtual_ns;
    for (int c = 0; c < clients; ++c) {
      sim.spawn(sim::Simulator::kHarnessNode, "client", [&, c] {
        io::Random rnd = sim.random().fork(static_cast<std::uint64_t>(c));
        while (sim.now_ns() < end) {
          const std::string to = "n" + std::to_string(1 + rnd.below(nodes));
          auto r = env.transport.call(to, io::Request{"POST", "/echo", "x:1", {}},
                                      env.clock.deadline_after_ns(100 * io::kNsPerMs));
          if (r.is_ok()) ++rpcs;
        }
      });
    }
    sim.sleep_until(end + 200 * io::kNsPerMs);
  });
  const double wall = seconds_since(start);
  SimFigures f;
  f.events = report.events;
  f.events_per_sec = static_cast<double>(report.events) / wall;
  f.rpcs_per_sec = static_cast<double>(rpcs) / wall;
  f.virtual_per_wall = static_cast<double>(report.virtual_ns) / 1e9 / wall;
  f.trace_hash = report.trace_hash;
  return f;
}

// Clients running get+put read-committed transactions on the simulated PostgreSQL primary.
SimFigures sim_sql(std::uint64_t seed, int clients, std::int64_t virtual_ns, std::uint64_t* txs) {
  sim::SimOptions options;
  options.seed = seed;
  sim::Simulator sim(options);
  sim::pg::PgCluster cluster(&sim, sim::pg::PgOptions{});
  cluster.add_server("pg1");
  io::TableSchema kv;
  kv.name = "kv";
  kv.columns = {{"k", io::ColumnType::kInt64, false}, {"v", io::ColumnType::kInt64, false}};
  kv.primary_key = {0};
  const auto start = WallClock::now();
  auto report = sim.run([&](io::Env& env) {
    FL_ASSERT(cluster.create_table(kv).is_ok());
    const std::int64_t end = sim.now_ns() + virtual_ns;
    for (int c = 0; c < clients; ++c) {
      sim.spawn(sim::Simulator::kHarnessNode, "sql-client", [&, c] {
        sim::pg::SimSqlStore store(&cluster, 0, sim.random().fork(c + 1), -1);
        io::Random rnd = sim.random().fork(c + 100);
        while (sim.now_ns() < end) {
          auto tx = store.begin(io::Isolation::kReadCommitted);
          if (!tx.is_ok()) continue;
          const auto k = static_cast<std::int64_t>(rnd.below(1000));
          if (!tx.value()->get("kv", {io::Value(k)}).is_ok()) continue;
          if (!tx.value()->upsert("kv", {io::Value(k), io::Value(k)}).is_ok()) continue;
          if (tx.value()->commit().is_ok()) ++*txs;
        }
      });
    }
    sim.sleep_until(end + io::kNsPerSec);
  });
  const double wall = seconds_since(start);
  SimFigures f;
  f.events = report.events;
  f.events_per_sec = static_cast<double>(report.events) / wall;
  f.rpcs_per_sec = static_cast<double>(*txs) / wall;
  f.virtual_per_wall = static_cast<double>(report.virtual_ns) / 1e9 / wall;
  f.trace_hash = report.trace_hash;
  return f;
}

}  // namespace

int bench_sim(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"The simulator's throughput against a raw Boost.Fiber switch baseline.", "sim"};
  if (auto code = parse_command(app, args, out, err)) return *code;
  out << std::fixed << std::setprecision(2);
  const double baseline = baseline_switches_per_sec(4'000'000);
  out << "baseline  boost round_robin fiber switches/s: " << baseline / 1e6 << " M\n";
  const SimFigures y = sim_yield(1, 100, 40'000);
  out << "sim-yield seeded picks/s (100 fibers):        " << y.events_per_sec / 1e6 << " M"
      << "  ratio to baseline " << y.events_per_sec / baseline << "\n";
  const SimFigures r = sim_rpc(1, 10, 100, 20 * io::kNsPerSec);
  out << "sim-rpc   events/s (10 nodes, 100 clients):   " << r.events_per_sec / 1e6 << " M"
      << "  ratio to baseline " << r.events_per_sec / baseline << "\n";
  out << "sim-rpc   RPCs/s: " << r.rpcs_per_sec / 1e3 << " k"
      << "  virtual/wall time ratio: " << r.virtual_per_wall << "\n";
  std::uint64_t txs = 0;
  const SimFigures q = sim_sql(1, 32, 20 * io::kNsPerSec, &txs);
  out << "sim-sql   transactions/s (32 clients, get+upsert, read committed): "
      << q.rpcs_per_sec / 1e3 << " k  virtual/wall " << q.virtual_per_wall << "  (" << txs
      << " committed)\n";
  out << "events: yield " << y.events << ", rpc " << r.events << "; trace-hashes " << y.trace_hash
      << " " << r.trace_hash << "\n";
  return kExitPass;
}

}  // namespace fl::cli
