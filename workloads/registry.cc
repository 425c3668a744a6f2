// The workload registry: built-in workloads (builtin.cc) plus those registered at start-up.
#include <algorithm>
#include <map>

#include "system/io/assert.h"
#include "workloads/builtin.h"
#include "workloads/workload.h"

namespace fl::workloads {
namespace {

constexpr std::size_t kMaxWorkloads = 256;

std::map<std::string, WorkloadInfo>& registry() {
  static std::map<std::string, WorkloadInfo> workloads = [] {
    std::map<std::string, WorkloadInfo> m;
    for (auto& info : builtin_workloads()) m.emplace(info.name, std::move(info));
    return m;
  }();
  return workloads;
}

}  // namespace

void register_workload(WorkloadInfo info) {
  FL_ASSERT(!info.name.empty() && info.make != nullptr);
  FL_ASSERT_LT(registry().size(), kMaxWorkloads);
  registry()[info.name] = std::move(info);
}

const WorkloadInfo* find_workload(const std::string& name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<std::string> workload_names() {
  std::vector<std::string> names;
  for (const auto& [name, info] : registry()) names.push_back(name);
  return names;
}

std::unique_ptr<Workload> make_workload(const std::string& name, const Options& given,
                                        std::string* error, std::vector<StoreKind>* needs) {
  FL_ASSERT(error != nullptr);
  const WorkloadInfo* info = find_workload(name);
  if (info == nullptr) {
    std::string names;
    for (const auto& n : workload_names()) names += (names.empty() ? "" : ", ") + n;
    *error = "unknown workload '" + name + "' (expected one of: " + names + ")";
    return nullptr;
  }
  // The workload's own specs override generator specs of the same name (their defaults).
  std::vector<OptionSpec> specs = generator_option_specs();
  for (const auto& own : info->options) {
    bool replaced = false;
    for (auto& s : specs) {
      if (s.name == own.name) s = own, replaced = true;
    }
    if (!replaced) specs.push_back(own);
  }
  Options resolved;
  *error = validate_options(specs, given, &resolved);
  if (!error->empty()) return nullptr;
  GeneratorOptions generator;
  *error = generator_from_options(resolved, info->default_mix, &generator);
  if (!error->empty()) return nullptr;
  std::unique_ptr<Workload> workload = info->make(resolved, error);
  if (workload == nullptr) {
    if (error->empty()) *error = "workload '" + name + "' could not be built";
    return nullptr;
  }
  workload->mutable_generator() = generator;
  if (needs != nullptr) *needs = info->needs ? info->needs(resolved) : std::vector<StoreKind>{};
  return workload;
}

}  // namespace fl::workloads
