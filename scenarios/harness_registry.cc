// The harness' by-name registries beside the workload registry: systems under test (topology
// builders) and the runtime of each mode. Extensions (systems with their own nodes and
// workloads, real mode) hook in here by one include and one call each.
#include <map>

#include "scenarios/harness.h"
#include "scenarios/harness_real.h"
#include "scenarios/saga_extension.h"
#include "system/io/assert.h"
#include "workloads/workload.h"

namespace fl::scenarios {
namespace {

constexpr std::size_t kMaxSystems = 64;

std::map<std::string, SystemInfo>& systems() {
  static std::map<std::string, SystemInfo> registry = [] {
    std::map<std::string, SystemInfo> m;
    m["stores"] = {"stores", "the data stores alone (clients talk to them directly)",
                   [](const nlohmann::json& options, Topology*) -> std::string {
                     if (options.is_object() && !options.empty()) {
                       return "system_options: system \"stores\" takes no options";
                     }
                     return "";
                   }};
    return m;
  }();
  return registry;
}

}  // namespace

void register_system(SystemInfo info) {
  FL_ASSERT(!info.name.empty() && info.build != nullptr);
  FL_ASSERT_LT(systems().size(), kMaxSystems);
  systems()[info.name] = std::move(info);
}

const SystemInfo* find_system(const std::string& name) {
  register_extensions();
  auto it = systems().find(name);
  return it == systems().end() ? nullptr : &it->second;
}

std::vector<std::string> system_names() {
  register_extensions();
  std::vector<std::string> names;
  for (const auto& [name, info] : systems()) names.push_back(name);
  return names;
}

void register_extensions() {
  static bool done = false;
  if (done) return;
  done = true;
  // The saga system and its "saga-orders" workload (scenarios/saga_extension.h).
  register_saga_extension();
}

RuntimeFactory runtime_factory(const std::string& mode) {
  if (mode == "sim") return make_sim_runtime;
  if (mode == "real") return make_real_runtime;
  return nullptr;
}

}  // namespace fl::scenarios
