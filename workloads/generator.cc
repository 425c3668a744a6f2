#include "workloads/generator.h"

#include <algorithm>
#include <cmath>

#include "system/io/assert.h"
#include "system/io/clock.h"
#include "workloads/workload.h"

namespace fl::workloads {

const char* to_string(KeyDistribution d) {
  switch (d) {
    case KeyDistribution::kUniform:
      return "uniform";
    case KeyDistribution::kZipf:
      return "zipf";
    case KeyDistribution::kHotKey:
      return "hot-key";
  }
  return "?";
}

KeyChooser::KeyChooser(const GeneratorOptions& options)
    : distribution_(options.distribution),
      keys_(options.keys),
      hot_keys_(std::min(options.hot_keys, options.keys)),
      hot_fraction_(options.hot_fraction) {
  FL_ASSERT(keys_ >= 1 && keys_ <= kMaxKeys);
  if (distribution_ != KeyDistribution::kZipf) return;
  cdf_.reserve(static_cast<std::size_t>(keys_));
  double total = 0;
  for (std::int64_t k = 1; k <= keys_; ++k) {
    total += 1.0 / std::pow(static_cast<double>(k), options.zipf_exponent);
    cdf_.push_back(total);
  }
  for (double& c : cdf_) c /= total;
  cdf_.back() = 1.0;
}

std::int64_t KeyChooser::draw(io::Random& random) const {
  const auto keys = static_cast<std::uint64_t>(keys_);
  switch (distribution_) {
    case KeyDistribution::kUniform:
      return static_cast<std::int64_t>(random.below(keys));
    case KeyDistribution::kZipf: {
      const double u = random.unit();
      const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
      const auto index = static_cast<std::int64_t>(it - cdf_.begin());
      return std::min(index, keys_ - 1);
    }
    case KeyDistribution::kHotKey: {
      const auto hot = static_cast<std::uint64_t>(hot_keys_);
      if (hot >= keys || random.chance(hot_fraction_)) {
        return static_cast<std::int64_t>(random.below(hot));
      }
      return static_cast<std::int64_t>(hot + random.below(keys - hot));
    }
  }
  return 0;
}

Generator::Generator(GeneratorOptions options, io::Random random)
    : options_(std::move(options)), keys_(options_) {
  FL_ASSERT(options_.concurrency >= 1 && options_.concurrency <= kMaxConcurrency);
  FL_ASSERT(!options_.mix.empty());
  FL_ASSERT_LE(options_.phases.size(), kMaxPhases);
  for (int s = 0; s < options_.concurrency; ++s) {
    streams_.push_back(random.fork(static_cast<std::uint64_t>(s)));
  }
  started_.assign(static_cast<std::size_t>(options_.concurrency), false);
}

const std::vector<MixEntry>& Generator::mix_at(std::int64_t elapsed_ns) const {
  std::int64_t phase_end = 0;
  for (const Phase& p : options_.phases) {
    phase_end += p.duration_ns;
    if (elapsed_ns < phase_end) return p.mix.empty() ? options_.mix : p.mix;
  }
  if (!options_.phases.empty() && !options_.phases.back().mix.empty()) {
    return options_.phases.back().mix;
  }
  return options_.mix;
}

Generator::Step Generator::next(int slot, std::int64_t elapsed_ns) {
  FL_ASSERT(slot >= 0 && slot < options_.concurrency);
  Step step;
  if (options_.op_limit > 0 && invocations_ >= options_.op_limit) return step;
  io::Random& rnd = streams_[static_cast<std::size_t>(slot)];
  if (!started_[static_cast<std::size_t>(slot)]) {
    started_[static_cast<std::size_t>(slot)] = true;
    if (options_.stagger_ns > 0) step.wait_ns += rnd.between(0, options_.stagger_ns);
  }
  if (options_.rate_per_s > 0) {
    const double mean_ns =
        static_cast<double>(io::kNsPerSec) * options_.concurrency / options_.rate_per_s;
    step.wait_ns += static_cast<std::int64_t>(mean_ns * (0.5 + rnd.unit()));
  }
  const auto& mix = mix_at(elapsed_ns + step.wait_ns);
  FL_ASSERT(!mix.empty() && mix.size() <= kMaxMixEntries);
  double total = 0;
  for (const auto& m : mix) total += m.weight;
  double pick = rnd.unit() * total;
  step.f = mix.back().f;
  for (const auto& m : mix) {
    if (pick < m.weight) {
      step.f = m.f;
      break;
    }
    pick -= m.weight;
  }
  step.key = keys_.draw(rnd);
  step.kind = Step::Kind::kInvoke;
  ++invocations_;
  return step;
}

namespace {

// Reads a {f = weight} table into `out`; every f must be a known op kind.
std::string read_mix(const nlohmann::json& table, const std::vector<MixEntry>& ops,
                     const std::string& where, std::vector<MixEntry>* out) {
  if (!table.is_object() || table.empty()) return where + ": expected a non-empty table";
  if (table.size() > kMaxMixEntries) return where + ": at most 32 op kinds";
  for (const auto& [f, w] : table.items()) {
    bool known = false;
    std::string names;
    for (const auto& op : ops) {
      known = known || op.f == f;
      names += (names.empty() ? "" : ", ") + op.f;
    }
    if (!known) return where + "." + f + ": unknown op kind (expected one of: " + names + ")";
    if (!w.is_number() || !(w.get<double>() > 0) || !std::isfinite(w.get<double>())) {
      return where + "." + f + ": expected a weight > 0, got " + w.dump();
    }
    out->push_back({f, w.get<double>()});
  }
  return "";
}

std::string read_phases(const nlohmann::json& list, const std::vector<MixEntry>& ops,
                        std::vector<Phase>* out) {
  if (list.size() > kMaxPhases) return "phases: at most 64 phases";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "phases[" + std::to_string(i) + "]";
    Phase phase;
    for (const auto& [k, v] : list[i].items()) {
      if (k == "duration_ms") {
        if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
          return where + ".duration_ms: expected an integer > 0, got " + v.dump();
        }
        phase.duration_ns = v.get<std::int64_t>() * io::kNsPerMs;
      } else if (k == "mix") {
        std::string e = read_mix(v, ops, where + ".mix", &phase.mix);
        if (!e.empty()) return e;
      } else {
        return where + ": unknown key '" + k + "' (expected duration_ms, mix)";
      }
    }
    if (phase.duration_ns <= 0) return where + ": needs duration_ms";
    out->push_back(std::move(phase));
  }
  return "";
}

}  // namespace

std::string generator_from_options(const Options& r, const std::vector<MixEntry>& ops,
                                   GeneratorOptions* out) {
  FL_ASSERT(!ops.empty());
  out->concurrency = r.value("concurrency", 5);
  out->rate_per_s = r.value("rate", 100.0);
  out->keys = r.value("keys", std::int64_t{1});
  const std::string d = r.value("distribution", std::string("uniform"));
  out->distribution = d == "zipf"      ? KeyDistribution::kZipf
                      : d == "hot-key" ? KeyDistribution::kHotKey
                                       : KeyDistribution::kUniform;
  out->zipf_exponent = r.value("zipf_exponent", 1.0);
  out->hot_fraction = r.value("hot_fraction", 0.9);
  out->hot_keys = r.value("hot_keys", std::int64_t{1});
  out->op_limit = r.value("op_limit", std::int64_t{0});
  out->stagger_ns = r.value("stagger_ms", std::int64_t{0}) * io::kNsPerMs;
  out->mix.clear();
  if (r.contains("mix")) {
    std::string e = read_mix(r["mix"], ops, "mix", &out->mix);
    if (!e.empty()) return e;
  } else {
    out->mix = ops;
  }
  out->phases.clear();
  if (r.contains("phases")) return read_phases(r["phases"], ops, &out->phases);
  return "";
}

}  // namespace fl::workloads
