// `faultline bench pg --conninfo C [--clients N] [--seconds S]`: read-committed get + upsert
// transactions through the SqlStore seam on real PostgreSQL (PgStore, libpq asynchronous on
// fibers), N fibers each with its own pooled connection. .ci/bench-pg.sh runs it beside pgbench
// with the same four statements per transaction on the same server and prints the ratio.
#include <boost/fiber/fiber.hpp>
#include <chrono>
#include <iomanip>

#include "cli/args.h"
#include "cli/cli.h"
#include "real/fiber_runtime.h"
#include "real/node_runtime.h"
#include "real/pg_store.h"

namespace fl::cli {

int bench_pg(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"get + upsert transactions through the SqlStore seam on real PostgreSQL.", "pg"};
  std::string conninfo;
  std::uint64_t clients = 4, seconds = 5;
  app.add_option("--conninfo", conninfo, "libpq connection string")->required();
  app.add_option("--clients", clients, "fibers, each with its own connection")
      ->check(CLI::Range(1, 64));
  app.add_option("--seconds", seconds, "how long to run")->check(CLI::Range(1, 600));
  if (auto code = parse_command(app, args, out, err)) return *code;
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

}  // namespace fl::cli
