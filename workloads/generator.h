// Generator: what each client process does next, and when. Pure and seeded: its decisions depend
// only on its options, its io::Random stream and the (client slot, elapsed time) it is asked
// about, so a run's operations replay exactly from the seed (Jepsen's generators, minus laziness).
//
// Options (every workload accepts them; generator_option_specs() lists them for scenarios):
//  concurrency   client processes of this workload (each its own fiber), 1..kMaxConcurrency;
//  rate          target invocations per second over all clients; 0 = closed loop (no waiting);
//                each client waits an interval uniform in [0.5, 1.5] x concurrency / rate;
//  keys          key count (keys are 0..keys-1); distribution uniform | zipf | hot-key:
//                zipf with exponent zipf_exponent; hot-key sends hot_fraction of the ops to the
//                first hot_keys keys and the rest uniformly to the others;
//  op_limit      total invocations over all clients (0: only the duration limits);
//  stagger_ms    each client's first invocation waits uniform [0, stagger] first;
//  mix           op kinds and weights, e.g. {read = 1, write = 1}; default: the workload's;
//  phases        optional list of {duration_ms, mix}: the mix changes over time (the last phase
//                lasts until the end); chaos-phase time decides which phase applies.
// The chaos-phase duration belongs to the scenario, not the generator: the harness stops asking
// when the phase ends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "system/io/random.h"

namespace fl::workloads {

constexpr int kMaxConcurrency = 256;
constexpr std::int64_t kMaxKeys = 100000;
constexpr std::int64_t kMaxOpLimit = 10'000'000;
constexpr std::size_t kMaxPhases = 64;
constexpr std::size_t kMaxMixEntries = 32;

enum class KeyDistribution : std::uint8_t { kUniform, kZipf, kHotKey };
const char* to_string(KeyDistribution d);

struct MixEntry {
  std::string f;
  double weight = 1;  // > 0
};

struct Phase {
  std::int64_t duration_ns = 0;  // > 0
  std::vector<MixEntry> mix;     // empty: the generator's mix
};

struct GeneratorOptions {
  int concurrency = 5;
  double rate_per_s = 100;
  std::int64_t keys = 1;
  KeyDistribution distribution = KeyDistribution::kUniform;
  double zipf_exponent = 1.0;
  double hot_fraction = 0.9;
  std::int64_t hot_keys = 1;
  std::int64_t op_limit = 0;
  std::int64_t stagger_ns = 0;
  std::vector<MixEntry> mix;
  std::vector<Phase> phases;
};

// Draws key indexes in [0, keys) from the configured distribution.
class KeyChooser {
 public:
  explicit KeyChooser(const GeneratorOptions& options);
  std::int64_t draw(io::Random& random) const;

 private:
  KeyDistribution distribution_;
  std::int64_t keys_;
  std::int64_t hot_keys_;
  double hot_fraction_;
  std::vector<double> cdf_;  // zipf only: cumulative weights, last == 1
};

class Generator {
 public:
  struct Step {
    enum class Kind : std::uint8_t { kInvoke, kDone };
    Kind kind = Kind::kDone;
    std::int64_t wait_ns = 0;  // wait this long, then invoke
    std::string f;
    std::int64_t key = 0;
  };

  // REQUIRES: options were validated (concurrency in range, mix non-empty, weights > 0).
  Generator(GeneratorOptions options, io::Random random);

  // The next step for client `slot` (0..concurrency-1) at `elapsed_ns` into the run.
  Step next(int slot, std::int64_t elapsed_ns);
  std::int64_t invocations() const { return invocations_; }
  const GeneratorOptions& options() const { return options_; }

 private:
  const std::vector<MixEntry>& mix_at(std::int64_t elapsed_ns) const;

  GeneratorOptions options_;
  KeyChooser keys_;
  std::vector<io::Random> streams_;  // one per client slot: slots do not shift each other
  std::vector<bool> started_;
  std::int64_t invocations_ = 0;
};

}  // namespace fl::workloads
