// The checks in results.json and their anomalies. Two anomaly shapes are accepted: the harness's
// array [{"type", "explanation", "ops": [op indexes]}] and Elle's object {"<class>": [items]},
// where an item is an explanation string or an object as in the array form.
#include "reports/html.h"
#include "reports/run_data.h"

namespace fl::reports {
namespace {

constexpr std::size_t kMaxExplanationChars = 4000;

std::string validity_text(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) return v.get<std::string>();
  return "unknown";
}

// Reads one op reference: an integer index or an op map with an integer "index".
bool op_ref(const nlohmann::json& j, std::int64_t* index) {
  const nlohmann::json* v = &j;
  if (j.is_object() && j.contains("index")) v = &j["index"];
  if (!v->is_number_integer()) return false;
  *index = v->get<std::int64_t>();
  return true;
}

// Reads one anomaly item; `where` names it in errors.
std::string parse_anomaly(const nlohmann::json& item, const std::string& default_type,
                          const std::string& where, Anomaly* a) {
  a->type = default_type;
  if (item.is_string()) {
    a->explanation = truncate_text(item.get<std::string>(), kMaxExplanationChars);
    return "";
  }
  if (!item.is_object()) return where + " must be an object or a string";
  if (item.contains("type")) {
    if (!item["type"].is_string()) return where + ".type must be a string";
    a->type = item["type"].get<std::string>();
  }
  if (item.contains("explanation")) {
    a->explanation = json_text(item["explanation"], kMaxExplanationChars);
  } else {  // Show whatever else the checker said.
    nlohmann::json rest = item;
    rest.erase("type");
    rest.erase("ops");
    if (!rest.empty()) a->explanation = json_text(rest, kMaxExplanationChars);
  }
  if (!item.contains("ops")) return "";
  const auto& ops = item["ops"];
  if (!ops.is_array()) return where + ".ops must be an array of op indexes";
  a->ops_total = ops.size();
  for (std::size_t i = 0; i < ops.size() && a->ops.size() < kMaxOpsPerAnomaly; ++i) {
    std::int64_t index = 0;
    if (!op_ref(ops[i], &index)) {
      return where + ".ops[" + std::to_string(i) + "] must be an op index (an integer)";
    }
    a->ops.push_back(index);
  }
  return "";
}

std::string add_anomaly(const nlohmann::json& item, const std::string& default_type,
                        const std::string& where, Check* check) {
  ++check->anomalies_total;
  Anomaly a;
  std::string error = parse_anomaly(item, default_type, where, &a);
  if (!error.empty()) return error;
  if (check->anomalies.size() < kMaxAnomaliesPerCheck) check->anomalies.push_back(std::move(a));
  return "";
}

std::string parse_anomalies(const nlohmann::json& anomalies, const std::string& where,
                            Check* check) {
  if (anomalies.is_array()) {
    for (std::size_t i = 0; i < anomalies.size(); ++i) {
      std::string e =
          add_anomaly(anomalies[i], "anomaly", where + "[" + std::to_string(i) + "]", check);
      if (!e.empty()) return e;
    }
    return "";
  }
  if (!anomalies.is_object()) return where + " must be an array or an object";
  for (const auto& [cls, list] : anomalies.items()) {
    const std::string w = where + "." + cls;
    if (!list.is_array()) {
      std::string e = add_anomaly(list, cls, w, check);
      if (!e.empty()) return e;
      continue;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string e = add_anomaly(list[i], cls, w + "[" + std::to_string(i) + "]", check);
      if (!e.empty()) return e;
    }
  }
  return "";
}

std::string parse_check(const nlohmann::json& c, std::size_t i, Check* check) {
  const std::string where = "checks[" + std::to_string(i) + "]";
  if (!c.is_object()) return where + " must be an object";
  check->name = c.contains("name") ? json_text(c["name"], 200) : "check " + std::to_string(i);
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& result = c.contains("result") ? c["result"] : empty;
  if (!result.is_object()) return where + ".result must be an object";
  check->valid = validity_text(c.contains("valid") ? c["valid"] : result.value("valid", empty));
  check->other = result;
  if (result.contains("anomalies")) {
    check->other.erase("anomalies");
    return parse_anomalies(result["anomalies"], where + ".result.anomalies", check);
  }
  if (c.contains("anomalies")) return parse_anomalies(c["anomalies"], where + ".anomalies", check);
  return "";
}

}  // namespace

std::string parse_checks(RunData* out) {
  FL_REPORT_ASSERT(out != nullptr && out->results.is_object());
  if (!out->results.contains("checks")) return "";
  const auto& checks = out->results["checks"];
  const std::string file = out->dir + "/results.json: ";
  if (!checks.is_array()) return file + "\"checks\" must be an array";
  for (std::size_t i = 0; i < checks.size() && i < kMaxChecks; ++i) {
    Check check;
    std::string error = parse_check(checks[i], i, &check);
    if (!error.empty()) return file + error;
    out->checks.push_back(std::move(check));
  }
  return "";
}

}  // namespace fl::reports
