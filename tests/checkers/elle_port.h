// What a test ported from Elle compares: Elle's result map for the same history and options,
// computed from ours the way Elle computes it (elle.txn/result-map). Options are Elle's
// :consistency-models and :anomalies; from them, the anomaly types that make a history invalid
// (prohibited), those reported (prohibited plus the unknown ones), and the order edges Elle adds
// (real-time if a real-time class is prohibited, else process if a process class is). :not is
// over every anomaly found, as in Elle. Our cycle classes are named as Elle >= 0.2 names item
// classes (G-single -> G-single-item, ...). Elle prints PL-SS as strong-serializable; here it
// is strict-serializable.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "checkers/elle/consistency_model.h"
#include "checkers/elle/core.h"

namespace fl::checkers::elle::testing {

struct ElleOpts {
  std::vector<std::string> models = {"strict-serializable"};  // Elle's default
  std::vector<std::string> anomalies;
};

struct ElleView {
  Validity valid = Validity::kTrue;
  std::vector<std::string> types;       // Elle's :anomaly-types
  std::vector<std::string> not_models;  // Elle's :not (empty when valid: Elle omits it)
  bool operator==(const ElleView& o) const {
    return valid == o.valid && types == o.types && not_models == o.not_models;
  }
};

inline std::string show(const ElleView& v) {
  std::string s = std::string("{valid ") + to_string(v.valid) + ", types [";
  for (const auto& t : v.types) s += t + " ";
  s += "], not [";
  for (const auto& m : v.not_models) s += m + " ";
  return s + "]}";
}

inline std::set<std::string> prohibited(const ElleOpts& o) {
  std::set<std::string> p = prohibited_anomalies(o.models);
  const std::set<std::string> extra = anomalies_implying(o.anomalies);
  p.insert(extra.begin(), extra.end());
  return p;
}

inline OrderEdges orders_for(const ElleOpts& o) {
  const auto p = prohibited(o);
  auto any = [&](const char* suffix) {
    return std::any_of(p.begin(), p.end(), [&](const std::string& t) {
      return t.size() > std::string(suffix).size() &&
             t.compare(t.size() - std::string(suffix).size(), std::string::npos, suffix) == 0;
    });
  };
  return any("-realtime")  ? OrderEdges::kRealtime
         : any("-process") ? OrderEdges::kProcess
                           : OrderEdges::kNone;
}

inline ElleView elle_view(const ElleResult& r, const ElleOpts& o) {
  const auto p = prohibited(o);
  ElleView v;
  bool bad = false;
  for (const auto& [type, n] : r.counts) {
    const std::string name = type == "garbage-read" ? type : table_name(type);
    if (p.count(name) != 0) bad = true;
    if (p.count(name) != 0 || is_unknown_type(type)) v.types.push_back(name);
  }
  std::sort(v.types.begin(), v.types.end());
  v.valid = bad ? Validity::kFalse : v.types.empty() ? Validity::kTrue : Validity::kUnknown;
  if (!v.types.empty()) v.not_models = r.weakest_not;
  return v;
}

inline ElleView view(Validity valid, std::vector<std::string> types = {},
                     std::vector<std::string> not_models = {}) {
  std::sort(types.begin(), types.end());
  std::sort(not_models.begin(), not_models.end());
  return ElleView{valid, types, not_models};
}

}  // namespace fl::checkers::elle::testing
