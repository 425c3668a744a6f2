// Reading the parts of a sharded sweep for `faultline merge`: each part's DIR/sweep.json is
// checked field by field (types, bounds, the plan and the shard) before anything is merged, so
// that a truncated, hand-edited or foreign file gets a clear error naming the file and the field,
// never a crash; and two parts are joined only if they come from the same binary (build id), the
// same scenario file (its hash), and the same scenario, mode, --set values and seed plan.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace fl::harness {

struct SweepPart {
  static constexpr std::uintmax_t kMaxSweepJsonBytes = std::uintmax_t{1} << 30;
  std::string dir;     // as given on the command line
  nlohmann::json doc;  // its sweep.json, validated
};

// Reads and validates dir/sweep.json into *part. Returns "" or "<dir>/sweep.json: <what is
// wrong>" (missing, larger than kMaxSweepJsonBytes, not JSON, a field missing or of the wrong
// type, a seed outside the plan, written by a faultline without build ids).
std::string read_sweep_part(const std::string& dir, SweepPart* part);

// "" when `b` may be merged with `a`; otherwise which identity differs, with both values.
std::string compatible_parts(const SweepPart& a, const SweepPart& b);

}  // namespace fl::harness
