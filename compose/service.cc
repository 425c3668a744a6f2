// The registry of services (service.h).
#include "compose/service.h"

#include <algorithm>

#include "compose/registry.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

std::vector<ServiceInfo>& services() {
  static std::vector<ServiceInfo> registry;
  return registry;
}

}  // namespace

void register_service(ServiceInfo info) {
  FL_ASSERT(!info.name.empty() && !info.node.empty() && !info.system.empty());
  FL_ASSERT(info.start != nullptr);
  FL_ASSERT_MSG(!info.sql || !info.health_table.empty(), info.name << ": health_table");
  FL_ASSERT_LT(services().size(), kMaxServices);
  for (const auto& s : services()) FL_ASSERT_MSG(s.name != info.name, "duplicate " << info.name);
  // Addresses of ServiceInfo are handed out: reserve once so that they never move.
  services().reserve(kMaxServices);
  services().push_back(std::move(info));
}

const ServiceInfo* find_service(const std::string& name) {
  register_all();
  for (const auto& s : services()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<const ServiceInfo*> all_services() {
  register_all();
  std::vector<const ServiceInfo*> out;
  for (const auto& s : services()) out.push_back(&s);
  return out;
}

std::vector<const ServiceInfo*> services_of(const std::string& system) {
  std::vector<const ServiceInfo*> out;
  for (const ServiceInfo* s : all_services()) {
    if (s->system == system) out.push_back(s);
  }
  return out;
}

std::string resolve_service_options(const ServiceInfo& info, const nlohmann::json& given,
                                    nlohmann::json* resolved) {
  std::vector<options::OptionSpec> specs;
  for (const auto& o : info.options) specs.push_back(o.spec);
  return options::validate_options(specs, given, resolved);
}

std::string flag_of(const std::string& option_name) {
  std::string flag = "--" + option_name;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

}  // namespace fl::compose
