// The checker registry: name -> (allowed options, function). See registry.h.
#include "checkers/registry.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <set>

#include "checkers/checker_impls.h"

namespace fl::checkers {
namespace {

using Fn = std::function<CheckOutcome(const nlohmann::json&, const history::History&)>;

struct Entry {
  std::set<std::string> options;
  Fn run;
};

const std::map<std::string, Entry>& registry() {
  static const std::map<std::string, Entry> r = {
      {"linearizable", {{"model", "failed-cas", "max-steps", "initial"}, run_linearizable}},
      {"elle-list-append", {{"expected"}, run_elle_list_append}},
      {"elle-rw-register",
       {{"expected", "sequential-keys", "linearizable-keys"}, run_elle_rw_register}},
      {"bank", {{"total", "negative-allowed"}, run_bank}},
      {"set", {{}, run_set}},
      {"counter", {{}, run_counter}},
  };
  return r;
}

CheckOutcome error_outcome(const std::string& name, const std::string& message) {
  CheckOutcome o;
  o.valid = Validity::kUnknown;
  o.result = {{"valid", "unknown"},
              {"checker", name},
              {"anomalies", nlohmann::json::array()},
              {"error", message}};
  return o;
}

}  // namespace

nlohmann::json validity_json(Validity v) {
  if (v == Validity::kUnknown) return "unknown";
  return v == Validity::kTrue;
}

std::vector<std::string> checker_names() {
  std::vector<std::string> names;
  for (const auto& [name, e] : registry()) names.push_back(name);
  return names;
}

Validity compose(const std::vector<Validity>& parts) {
  Validity v = Validity::kTrue;
  for (Validity p : parts) {
    if (p == Validity::kFalse) return Validity::kFalse;
    if (p == Validity::kUnknown) v = Validity::kUnknown;
  }
  return v;
}

CheckOutcome run_checker(const std::string& name, const nlohmann::json& options,
                         const history::History& h) {
  try {
    auto it = registry().find(name);
    if (it == registry().end()) {
      std::string known;
      for (const auto& n : checker_names()) known += (known.empty() ? "" : ", ") + n;
      return error_outcome(name, "unknown checker '" + name + "' (" + known + ")");
    }
    const nlohmann::json opts = options.is_null() ? nlohmann::json::object() : options;
    if (!opts.is_object()) return error_outcome(name, "options must be a JSON object");
    for (const auto& [key, value] : opts.items()) {
      if (it->second.options.count(key) == 0) {
        return error_outcome(name, "unknown option '" + key + "' for checker " + name);
      }
    }
    CheckOutcome o = it->second.run(opts, h);
    if (!o.result.is_object()) o.result = nlohmann::json::object();
    o.result["valid"] = validity_json(o.valid);
    o.result["checker"] = name;
    if (!o.result.contains("anomalies")) o.result["anomalies"] = nlohmann::json::array();
    return o;
  } catch (const std::exception& e) {
    return error_outcome(name, std::string("checker threw: ") + e.what());
  } catch (...) {
    return error_outcome(name, "checker threw a non-standard exception");
  }
}

}  // namespace fl::checkers
