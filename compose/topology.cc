// The registry of systems (topology.h).
#include "compose/topology.h"

#include <map>

#include "compose/registry.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

constexpr std::size_t kMaxSystems = 64;

std::map<std::string, SystemInfo>& systems() {
  static std::map<std::string, SystemInfo> registry = [] {
    std::map<std::string, SystemInfo> m;
    m["stores"] = {"stores", "the data stores alone (clients talk to them directly)",
                   [](const nlohmann::json& options, Topology*) -> std::string {
                     if (options.is_object() && !options.empty()) {
                       return "system \"stores\" takes no options";
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
  FL_ASSERT_MSG(systems().count(info.name) == 0, "duplicate system " << info.name);
  systems()[info.name] = std::move(info);
}

const SystemInfo* find_system(const std::string& name) {
  register_all();
  auto it = systems().find(name);
  return it == systems().end() ? nullptr : &it->second;
}

std::vector<std::string> system_names() {
  register_all();
  std::vector<std::string> names;
  for (const auto& [name, info] : systems()) names.push_back(name);
  return names;
}

}  // namespace fl::compose
