// The generator's option specs (options/spec.h declares the format).
#include "system/io/assert.h"
#include "workloads/workload.h"

namespace fl::workloads {
namespace {

using Kind = OptionSpec::Kind;

}  // namespace

const std::vector<OptionSpec>& generator_option_specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"concurrency", Kind::kInt, 5, 1, kMaxConcurrency, {}, "client processes"},
      {"rate", Kind::kFloat, 100.0, 0, 1e6, {}, "invocations/s over all clients; 0: closed loop"},
      {"keys", Kind::kInt, nullptr, 1, static_cast<double>(kMaxKeys), {}, "key count"},
      {"distribution",
       Kind::kString,
       "uniform",
       0,
       0,
       {"uniform", "zipf", "hot-key"},
       "key distribution"},
      {"zipf_exponent", Kind::kFloat, 1.0, 0.01, 5, {}, "zipf exponent"},
      {"hot_fraction", Kind::kFloat, 0.9, 0, 1, {}, "hot-key: share of ops on hot keys"},
      {"hot_keys", Kind::kInt, 1, 1, static_cast<double>(kMaxKeys), {}, "hot-key: hot key count"},
      {"op_limit", Kind::kInt, 0, 0, static_cast<double>(kMaxOpLimit), {}, "total invocations"},
      {"stagger_ms", Kind::kInt, 0, 0, 3600000, {}, "first invocation delay bound per client"},
      {"mix", Kind::kTable, nullptr, 0, 0, {}, "op kinds and weights"},
      {"phases", Kind::kTableList, nullptr, 0, 0, {}, "list of {duration_ms, mix}"},
  };
  return kSpecs;
}

}  // namespace fl::workloads
