#include "tests/support/sim_system.h"

#include <gtest/gtest.h>

#include "compose/topology.h"

namespace fl::test {

harness::RuntimeReport run_sim_system(const SimSystemOptions& options,
                                      const std::function<void(harness::Runtime&)>& driver) {
  const compose::SystemInfo* system = compose::find_system(options.system);
  if (system == nullptr) {
    ADD_FAILURE() << "no system " << options.system;
    return {};
  }
  compose::Topology topology;
  topology.stores = options.stores;
  if (std::string e = system->build(options.system_options, &topology); !e.empty()) {
    ADD_FAILURE() << e;
    return {};
  }
  harness::RuntimeOptions ro;
  ro.seed = options.seed;
  std::string error;
  auto runtime = harness::make_sim_runtime(ro, topology, &error);
  if (runtime == nullptr) {
    ADD_FAILURE() << error;
    return {};
  }
  return runtime->run(driver);
}

}  // namespace fl::test
