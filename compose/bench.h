// Benchmarks that a composition registers for figures only its own code can measure in-process
// (the sync system's CRDT merges), run by `faultline bench <name>` (cli/), which names no system.
// Same registry rules as systems and services: filled once at start-up by compose/registry.cc's
// compositions, read-only after.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace fl::compose {

struct BenchmarkInfo {
  std::string name;         // `faultline bench <name>` (the part a composition measures)
  std::string description;  // one line
  // Runs with the benchmark's own arguments; returns the exit code (0 ok, 2 bad usage).
  std::function<int(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)>
      run;
};

constexpr std::size_t kMaxBenchmarks = 32;

void register_benchmark(BenchmarkInfo info);
const BenchmarkInfo* find_benchmark(const std::string& name);
// Every registered benchmark's name, in registration order.
std::vector<std::string> benchmark_names();

}  // namespace fl::compose
