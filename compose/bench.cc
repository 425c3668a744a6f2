// The registry of composition benchmarks (bench.h).
#include "compose/bench.h"

#include "compose/registry.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

std::vector<BenchmarkInfo>& benchmarks() {
  static std::vector<BenchmarkInfo> registry;
  return registry;
}

}  // namespace

void register_benchmark(BenchmarkInfo info) {
  FL_ASSERT(!info.name.empty() && info.run != nullptr);
  FL_ASSERT_LT(benchmarks().size(), kMaxBenchmarks);
  for (const auto& b : benchmarks()) FL_ASSERT_MSG(b.name != info.name, "duplicate " << info.name);
  benchmarks().push_back(std::move(info));
}

const BenchmarkInfo* find_benchmark(const std::string& name) {
  register_all();
  for (const auto& b : benchmarks()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::vector<std::string> benchmark_names() {
  register_all();
  std::vector<std::string> names;
  for (const auto& b : benchmarks()) names.push_back(b.name);
  return names;
}

}  // namespace fl::compose
