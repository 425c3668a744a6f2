// The registry of contract-test backends in this build.
#include "tests/contract/backend.h"

namespace fl::contract {

std::unique_ptr<Backend> make_sim_backend();
std::unique_ptr<Backend> make_real_backend();

std::vector<std::string> backend_names() { return {"sim", "real"}; }

std::unique_ptr<Backend> make_backend(const std::string& name) {
  if (name == "sim") return make_sim_backend();
  if (name == "real") return make_real_backend();
  return nullptr;
}

}  // namespace fl::contract
