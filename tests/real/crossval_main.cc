// `crossval`: runs the PostgreSQL cross-validation (scenarios/real_crossval.h) and prints one
// JSON line per run and a table; exit 1 if any run disagrees with the published expectation.
// Usage: crossval [--seed N] [--duration S] [--concurrency C] [--keys K] [--rate R]
//                 [--modes sim,real] [--levels read-committed,repeatable-read,serializable]
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "harness/crossval.h"

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : " ") + x;
  return out.empty() ? "-" : out;
}

}  // namespace

int main(int argc, char** argv) {
  fl::harness::CrossvalOptions o;
  std::vector<std::string> modes = {"sim", "real"};
  std::vector<std::string> levels = fl::harness::crossval_levels();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--seed")
      o.seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--duration")
      o.duration_s = std::atoi(v.c_str());
    else if (a == "--concurrency")
      o.concurrency = std::atoi(v.c_str());
    else if (a == "--keys")
      o.keys = std::atoi(v.c_str());
    else if (a == "--rate")
      o.rate = std::atoi(v.c_str());
    else if (a == "--modes")
      modes = split(v);
    else if (a == "--levels")
      levels = split(v);
    else {
      std::fprintf(stderr, "crossval: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  int bad = 0;
  std::string table = "level            mode  seed   ok  fail info  anomalies  | mismatches\n";
  for (const auto& level : levels) {
    for (const auto& mode : modes) {
      const auto run = fl::harness::run_crossval(o, level, mode);
      std::printf("%s\n", run.to_json().dump().c_str());
      std::fflush(stdout);
      char line[256];
      std::snprintf(line, sizeof line, "%-16s %-5s %-5llu %5lld %5lld %4lld  ", level.c_str(),
                    mode.c_str(), static_cast<unsigned long long>(run.seed),
                    static_cast<long long>(run.ok), static_cast<long long>(run.fail),
                    static_cast<long long>(run.info));
      table += line + run.anomaly_counts.dump() + "  | " + join(run.mismatches) + "\n";
      if (!run.mismatches.empty()) ++bad;
    }
  }
  std::printf("\n%s", table.c_str());
  return bad == 0 ? 0 : 1;
}
