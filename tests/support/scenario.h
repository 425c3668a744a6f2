// Test support: running shipped scenarios and reading what they produced. Used by every test
// that runs a scenario through the harness (simulation or real mode).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/result.h"

namespace fl::test {

// Runs the shipped scenario `name` (scenarios/<name>.toml) with `--set` overrides.
harness::RunResult run_scenario(const std::string& name, std::uint64_t seed,
                                std::vector<std::string> sets = {},
                                const std::string& mode = "sim");

// The usage error and every problem, one per line (for assertion messages).
std::string describe(const harness::RunResult& result);

// The value of the last op `f` that completed ok, or null.
nlohmann::json ok_value(const harness::RunResult& result, const std::string& f);

// How many nemesis ops `f` ("start-kill", ...) name `node` in their value.
int nemesis_count(const harness::RunResult& result, const std::string& f, const std::string& node);
inline bool nemesis_names(const harness::RunResult& result, const std::string& f,
                          const std::string& node) {
  return nemesis_count(result, f, node) > 0;
}

}  // namespace fl::test
