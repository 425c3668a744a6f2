// Test support: a system's composition on the simulated runtime, driven by the test itself
// (the harness runtime without a scenario): the test starts work through the system's APIs on a
// client Env, injects faults through the fault port, and reads the stores.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/runtime.h"

namespace fl::test {

struct SimSystemOptions {
  std::string system = "saga";
  nlohmann::json system_options = nlohmann::json::object();
  compose::StoreTopology stores;
  std::uint64_t seed = 1;
};

// Builds the topology and the simulated runtime, runs `driver` on a harness fiber, returns the
// runtime's report (trace hash, problems such as escaped exceptions). A topology that cannot be
// built fails the test (ADD_FAILURE) and returns an empty report.
harness::RuntimeReport run_sim_system(const SimSystemOptions& options,
                                      const std::function<void(harness::Runtime&)>& driver);

}  // namespace fl::test
