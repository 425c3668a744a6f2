// The runtime of each mode, by name (runtime.h).
#include "harness/runtime.h"
#include "harness/runtime/real_runtime.h"

namespace fl::harness {

RuntimeFactory runtime_factory(const std::string& mode) {
  if (mode == "sim") return make_sim_runtime;
  if (mode == "real") return make_real_runtime;
  return nullptr;
}

}  // namespace fl::harness
