// `faultline bench pg --conninfo C [--clients N] [--seconds S]`: read-committed get + upsert
// transactions through the SqlStore seam on real PostgreSQL (PgStore, libpq asynchronous on
// fibers), N fibers each with its own pooled connection. .ci/bench-pg.sh runs it beside pgbench
// with the same four statements per transaction on the same server and prints the ratio.
#include <boost/fiber/fiber.hpp>
#include <chrono>
#include <iomanip>

#include "real/fiber_runtime.h"
#include "real/node_runtime.h"
#include "real/pg_store.h"
#include "scenarios/cli.h"

namespace fl::scenarios {

int cmd_bench_pg(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string conninfo;
  std::uint64_t clients = 4, seconds = 5;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--conninfo" && has_value) {
      conninfo = args[++i];
    } else if (args[i] == "--clients" && has_value && parse_u64(args[i + 1], &clients) &&
               clients >= 1 && clients <= 64) {
      ++i;
    } else if (args[i] == "--seconds" && has_value && parse_u64(args[i + 1], &seconds) &&
               seconds >= 1 && seconds <= 600) {
      ++i;
    } else {
      err << "faultline bench pg: usage: --conninfo C [--clients 1..64] [--seconds 1..600]\n";
      return kExitUsage;
    }
  }
  std::uint64_t committed = 0, failed = 0;
  double wall = 0;
  bool ready = false;
  real::run_fibers([&] {
    real::PgStore store(conninfo, clients);
    io::TableSchema kv;
    kv.name = "bench_kv";
    kv.columns = {{"k", io::ColumnType::kInt64, false}, {"v", io::ColumnType::kInt64, false}};
    kv.primary_key = {0};
    const io::Status created = store.create_table(kv);
    if (!created.is_ok()) {
      err << "faultline bench pg: " << created.to_string() << "\n";
      return;
    }
    ready = true;
    real::RealClock clock;
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t until =
        clock.monotonic_ns() + static_cast<std::int64_t>(seconds) * io::kNsPerSec;
    std::vector<boost::fibers::fiber> fibers;
    for (std::uint64_t c = 0; c < clients; ++c) {
      fibers.emplace_back([&, c] {
        io::Random rnd(c + 1);
        while (clock.monotonic_ns() < until) {
          const auto k = static_cast<std::int64_t>(1 + rnd.below(1000));
          auto tx = store.begin(io::Isolation::kReadCommitted);
          const bool ok = tx.is_ok() && tx.value()->get("bench_kv", {io::Value(k)}).is_ok() &&
                          tx.value()->upsert("bench_kv", {io::Value(k), io::Value(k)}).is_ok() &&
                          tx.value()->commit().is_ok();
          ++(ok ? committed : failed);
        }
      });
    }
    for (auto& f : fibers) f.join();
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  if (!ready) return kExitHarness;
  out << std::fixed << std::setprecision(1)
      << "faultline-seam tps: " << static_cast<double>(committed) / wall << " (" << committed
      << " committed, " << failed << " failed, " << clients << " fibers, " << wall << " s)\n";
  return kExitPass;
}

}  // namespace fl::scenarios
