// `faultline bench checkers [--histories DIR]`: checks the whole Porcupine set in this process
// and prints wall time and peak memory beside Porcupine's figures measured on this machine kind
// (docs/benchmarks.md). Reading the files is excluded from the timings, as in Porcupine's tests.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "checkers/elle/generate.h"
#include "checkers/elle/list_append.h"
#include "checkers/elle/rw_register.h"
#include "checkers/formats.h"
#include "checkers/models.h"
#include "cli/args.h"
#include "cli/cli.h"

namespace fl::cli {
using namespace checkers;  // NOLINT: the benchmark of the checkers
namespace {

using WallClock = std::chrono::steady_clock;

// Porcupine's own times on the same histories: recorded once, never measured by this benchmark
// (docs/benchmarks.md), so every ratio printed against them says so.
struct Reference {
  double best_ms;
  const char* text;
};
constexpr Reference kPorcupineEtcd{450.0, "450-541"};
constexpr Reference kPorcupineKv{179.0, "179-214"};
constexpr const char* kPorcupineRecorded =
    "measured 2026-11 with Porcupine's `go test` on a 2-core VM of this kind (issue 3; "
    "docs/benchmarks.md)";

struct Times {
  double wall_ms = 0, cpu_ms = 0;
  std::string text() const {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << wall_ms << " ms wall / " << cpu_ms << " ms cpu";
    return s.str();
  }
};

double cpu_now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

long peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// Wall and process CPU time since construction.
class Timer {
 public:
  Times elapsed() const {
    return {std::chrono::duration<double, std::milli>(WallClock::now() - wall_).count(),
            cpu_now_ms() - cpu_};
  }

 private:
  WallClock::time_point wall_ = WallClock::now();
  double cpu_ = cpu_now_ms();
};

template <typename Reader>
bool load(const std::string& path, Reader reader, std::vector<LinOp>* ops, std::ostream& err) {
  std::ifstream in(path);
  FormatError e;
  if (!in || !reader(in, ops, &e)) {
    err << "faultline bench checkers: cannot read " << path << " " << e.to_string() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int bench_checkers(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"The checkers on Porcupine's histories and on generated 100k histories.",
               "checkers"};
  std::string dir;
  app.add_option("--histories", dir,
                 "Porcupine's test_data directory (default $FAULTLINE_HISTORIES, else the "
                 "repository's tests/data/porcupine)");
  if (auto code = parse_command(app, args, out, err)) return *code;
  if (dir.empty()) {
    const char* env = std::getenv("FAULTLINE_HISTORIES");
    dir = env ? env : std::string(FL_SOURCE_DIR) + "/tests/data/porcupine";
  }
  std::vector<std::vector<LinOp>> etcd, kv;
  for (int i = 0; i <= 102; ++i) {
    if (i == 95) continue;
    std::ostringstream name;
    name << dir << "/jepsen/etcd_" << std::setw(3) << std::setfill('0') << i << ".log";
    etcd.emplace_back();
    if (!load(name.str(), read_porcupine_etcd, &etcd.back(), err)) return 2;
  }
  for (const char* k : {"c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"}) {
    kv.emplace_back();
    if (!load(dir + "/kv/" + k + ".txt", read_porcupine_kv, &kv.back(), err)) return 2;
  }
  auto time_all = [](const std::vector<std::vector<LinOp>>& set, const Model& m, int* invalid) {
    const Timer t;
    for (const auto& ops : set) *invalid += check_linearizable(ops, m).valid == Validity::kFalse;
    return t.elapsed();
  };
  int etcd_invalid = 0, kv_invalid = 0;
  const Times etcd_t = time_all(etcd, *make_model("cas-register"), &etcd_invalid);
  const Times kv_t = time_all(kv, *make_model("kv"), &kv_invalid);
  // Generated histories: 100,000 transactions of 4 micro-ops, 5 concurrent; each freed before the
  // next, so the peak memory after each is its own.
  elle::GenerateOptions gen;
  gen.transactions = 100'000;
  Validity la_valid = Validity::kUnknown, rw_valid = Validity::kUnknown;
  Validity rw_assumed_valid = Validity::kUnknown;
  Times la_t, rw_t, rw_assumed_t;
  long la_peak_mib = 0;
  {
    const history::History la = elle::generate_list_append(gen);
    const Timer timer;
    la_valid = elle::check_list_append(la).valid;
    la_t = timer.elapsed();
    la_peak_mib = peak_mib();
  }
  {
    const history::History rw = elle::generate_rw_register(gen);
    const Timer timer;
    rw_valid = elle::check_rw_register(rw).valid;
    rw_t = timer.elapsed();
    // The same history with Elle's version-order assumptions (more edges, per-key orders).
    const Timer assumed;
    rw_assumed_valid = elle::check_rw_register(rw, {true, true}).valid;
    rw_assumed_t = assumed.elapsed();
  }
  out << std::fixed << std::setprecision(1);
  out << "(wall ms / cpu ms; on a shared machine cpu is the fairer figure)\n";
  out << "etcd (102 histories): " << etcd_t.text() << ", " << etcd_invalid
      << " not linearizable (expected 79); ratio " << etcd_t.cpu_ms / kPorcupineEtcd.best_ms
      << " of Porcupine's recorded best*\n";
  out << "kv (6 histories):     " << kv_t.text() << ", " << kv_invalid
      << " not linearizable (expected 3); ratio " << kv_t.cpu_ms / kPorcupineKv.best_ms
      << " of Porcupine's recorded best*\n";
  out << "* Porcupine is not run here (no Go toolchain): a recorded reference, "
      << kPorcupineEtcd.text << " ms (etcd) and " << kPorcupineKv.text << " ms (kv), "
      << kPorcupineRecorded << "\n";
  out << "list-append (100,000 txns): " << la_t.text() << ", valid " << to_string(la_valid)
      << "; goal < 1000 ms (Elle's paper: about a minute)\n";
  out << "rw-register (100,000 txns): " << rw_t.text() << ", valid " << to_string(rw_valid) << "\n";
  out << "rw-register, sequential + linearizable keys: " << rw_assumed_t.text() << ", valid "
      << to_string(rw_assumed_valid) << "\n";
  out << "peak memory: " << la_peak_mib << " MiB after list-append (history included), "
      << peak_mib() << " MiB at the end\n";
  const bool as_expected = etcd_invalid == 79 && kv_invalid == 3 && la_valid == Validity::kTrue &&
                           rw_valid == Validity::kTrue && rw_assumed_valid == Validity::kTrue;
  return as_expected ? 0 : 1;
}

}  // namespace fl::cli
