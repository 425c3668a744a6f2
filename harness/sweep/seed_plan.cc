#include "harness/sweep/seed_plan.h"

#include "harness/result.h"
#include "system/io/assert.h"
#include "system/io/random.h"

namespace fl::harness {

std::string parse_shard(const std::string& text, Shard* shard) {
  const std::string want = "--shard takes I/N (0 <= I < N <= " + std::to_string(Shard::kMaxParts) +
                           ") or auto/N, not '" + text + "'";
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return want;
  const std::string index = text.substr(0, slash);
  if (!parse_u64(text.substr(slash + 1), &shard->count) || shard->count == 0 ||
      shard->count > Shard::kMaxParts) {
    return want;
  }
  if (index == "auto") {
    shard->source = "auto";
    return "";
  }
  if (!parse_u64(index, &shard->index) || shard->index >= shard->count) return want;
  shard->source = "";
  return "";
}

std::string resolve_auto_shard(const std::function<const char*(const char*)>& env, Shard* shard) {
  FL_ASSERT(shard->source == "auto");
  FL_ASSERT(shard->count >= 1);
  struct Source {
    const char* name;
    std::uint64_t base;  // the engine's first index
  };
  constexpr Source kSources[] = {
      {"SLURM_ARRAY_TASK_ID", 0}, {"JOB_COMPLETION_INDEX", 0}, {"PARALLEL_SEQ", 1}};
  for (const auto& s : kSources) {
    const char* value = env(s.name);
    if (value == nullptr || *value == '\0') continue;
    std::uint64_t n = 0;
    if (!parse_u64(value, &n)) {
      return std::string("--shard auto: ") + s.name + "='" + value + "' is not a whole number";
    }
    if (n < s.base || n - s.base >= shard->count) {
      return std::string("--shard auto/") + std::to_string(shard->count) + ": " + s.name + "=" +
             value + " is outside " + std::to_string(s.base) + ".." +
             std::to_string(shard->count - 1 + s.base) + " (" + s.name +
             (s.base == 1 ? " counts from 1)" : " counts from 0)");
    }
    shard->index = n - s.base;
    shard->source = s.name;
    return "";
  }
  return "--shard auto: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, PARALLEL_SEQ is set "
         "(run under a Slurm array, a Kubernetes Indexed Job or GNU parallel, or give I/N)";
}

std::string parse_duration(const std::string& text, double* seconds) {
  constexpr double kMaxSeconds = 30.0 * 86400;
  const std::string want =
      "--duration takes a whole number with an optional unit s, m, h or d (at most 30d), not '" +
      text + "'";
  if (text.empty()) return want;
  double unit = 1;
  std::string digits = text;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      unit = 0;
  }
  if (unit != 0) {
    digits.pop_back();
  } else {
    unit = 1;
  }
  std::uint64_t n = 0;
  if (!parse_u64(digits, &n) || n == 0 || static_cast<double>(n) * unit > kMaxSeconds) return want;
  *seconds = static_cast<double>(n) * unit;
  return "";
}

SeedPlan SeedPlan::range(std::uint64_t first, std::uint64_t last, const Shard& shard) {
  FL_ASSERT(first <= last);
  FL_ASSERT(shard.index < shard.count);
  SeedPlan p;
  p.range_ = true;
  p.first_ = first;
  p.positions_ = last - first + 1;  // last - first < kMaxSeeds, so no overflow
  p.shard_ = shard;
  p.k_ = shard.index;
  return p;
}

SeedPlan SeedPlan::drawn(std::uint64_t start, std::uint64_t max_positions, const Shard& shard) {
  FL_ASSERT(max_positions >= 1);
  FL_ASSERT(shard.index < shard.count);
  SeedPlan p = range(0, 0, shard);
  p.range_ = false;
  p.first_ = start;
  p.positions_ = max_positions;
  return p;
}

std::uint64_t SeedPlan::draw(std::uint64_t start, std::uint64_t k) {
  return io::splitmix64(start + k * 0x9e3779b97f4a7c15ULL);
}

bool SeedPlan::next(std::uint64_t* seed) {
  if (k_ >= positions_) return false;
  *seed = range_ ? first_ + k_ : draw(first_, k_);
  k_ += shard_.count;
  return true;
}

std::uint64_t SeedPlan::size() const {
  if (shard_.index >= positions_) return 0;
  return (positions_ - shard_.index - 1) / shard_.count + 1;
}

nlohmann::json SeedPlan::describe() const {
  if (range_) {
    return {{"kind", "range"}, {"first_seed", first_}, {"last_seed", first_ + positions_ - 1}};
  }
  return {{"kind", "drawn"}, {"from", first_}, {"max_positions", positions_}};
}

}  // namespace fl::harness
