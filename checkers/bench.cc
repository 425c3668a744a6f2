// `faultline bench checkers [--histories DIR]`: checks the whole Porcupine set in this process
// and prints wall time and peak memory beside Porcupine's figures measured on this machine kind
// (docs/benchmarks.md). Reading the files is excluded from the timings, as in Porcupine's tests.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "checkers/cli.h"
#include "checkers/elle/generate.h"
#include "checkers/elle/list_append.h"
#include "checkers/formats.h"
#include "checkers/models.h"

namespace fl::checkers {
namespace {

using WallClock = std::chrono::steady_clock;

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

int bench_checkers_command(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err) {
  std::string dir;
  if (args.size() == 2 && args[0] == "--histories") {
    dir = args[1];
  } else if (args.empty()) {
    const char* env = std::getenv("FAULTLINE_HISTORIES");
    dir = env ? env : std::string(FL_SOURCE_DIR) + "/../shared/histories/porcupine/test_data";
  } else {
    err << "faultline bench checkers: usage: [--histories DIR]\n";
    return 2;
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
    const auto start = WallClock::now();
    for (const auto& ops : set) *invalid += check_linearizable(ops, m).valid == Validity::kFalse;
    return std::chrono::duration<double, std::milli>(WallClock::now() - start).count();
  };
  int etcd_invalid = 0, kv_invalid = 0;
  const double etcd_ms = time_all(etcd, *make_model("cas-register"), &etcd_invalid);
  const double kv_ms = time_all(kv, *make_model("kv"), &kv_invalid);
  // A generated list-append history: 100,000 transactions of 4 micro-ops, 5 concurrent.
  elle::GenerateOptions gen;
  gen.transactions = 100'000;
  const history::History la = elle::generate_list_append(gen);
  const auto la_start = WallClock::now();
  const elle::ElleResult la_result = elle::check_list_append(la);
  const double la_ms =
      std::chrono::duration<double, std::milli>(WallClock::now() - la_start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  out << std::fixed << std::setprecision(1);
  out << "etcd (102 histories): " << etcd_ms << " ms, " << etcd_invalid
      << " not linearizable (expected 79); Porcupine on this machine kind: 450-541 ms; ratio "
      << etcd_ms / 450.0 << " of its best\n";
  out << "kv (6 histories):     " << kv_ms << " ms, " << kv_invalid
      << " not linearizable (expected 3); Porcupine: 179-214 ms; ratio " << kv_ms / 179.0
      << " of its best\n";
  out << "list-append (100,000 txns): " << la_ms << " ms, valid " << to_string(la_result.valid)
      << "; goal < 1000 ms (Elle's paper: about a minute)\n";
  out << "peak memory: " << usage.ru_maxrss / 1024 << " MiB\n";
  return etcd_invalid == 79 && kv_invalid == 3 && la_result.valid == Validity::kTrue ? 0 : 1;
}

}  // namespace fl::checkers
