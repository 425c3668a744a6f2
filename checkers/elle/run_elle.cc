// The "elle-list-append" and "elle-rw-register" registry entries: run the Elle analysis and
// judge it against the expected consistency model. rw-register also takes Elle's optional
// version-order assumptions "sequential-keys" and "linearizable-keys" (booleans, default false).
#include <algorithm>
#include <set>
#include <utility>

#include "checkers/checker_impls.h"
#include "checkers/elle/consistency_model.h"
#include "checkers/elle/cycle_search.h"
#include "checkers/elle/list_append.h"
#include "checkers/elle/rw_register.h"

namespace fl::checkers {
namespace {

// `json` is r's rendering (a checker's result type may add to ElleResult's). Invalid iff an
// anomaly found rules out the expected model (Elle: it is among the anomalies the model
// prohibits); otherwise unknown if the analysis could not decide (an error, no edges at all, a
// cycle search cut short), else valid.
CheckOutcome judge(const elle::ElleResult& r, nlohmann::json json, const std::string& expected) {
  CheckOutcome o;
  o.result = std::move(json);
  o.result["expected"] = expected;
  const bool ruled_out =
      std::find(r.not_models.begin(), r.not_models.end(), expected) != r.not_models.end();
  bool undecided = !r.error.empty();
  for (const auto& [type, n] : r.counts) undecided = undecided || elle::is_unknown_type(type);
  o.valid = !r.error.empty() ? Validity::kUnknown
            : ruled_out      ? Validity::kFalse
            : undecided      ? Validity::kUnknown
                             : Validity::kTrue;
  return o;
}

// The models of Elle's table a transactional history can be judged against (not the
// single-object ones: linearizable, sequential, causal and those below them).
bool transactional(const std::string& model) {
  static const std::vector<std::string> single_object = {
      "linearizable", "sequential",      "causal",           "writes-follow-reads",
      "PRAM",         "monotonic-reads", "monotonic-writes", "read-your-writes"};
  return elle::known_model(model) &&
         std::find(single_object.begin(), single_object.end(), model) == single_object.end();
}

bool expected_model(const nlohmann::json& options, std::string* expected, CheckOutcome* bad) {
  *expected = "strict-serializable";
  if (!options.contains("expected")) return true;
  const auto& e = options["expected"];
  if (!e.is_string() || !transactional(e.get<std::string>())) {
    std::string names;
    for (const auto& m : elle::model_names()) {
      if (transactional(m)) names += (names.empty() ? "" : ", ") + m;
    }
    *bad = option_error("expected takes a consistency model of Elle's table: " + names);
    return false;
  }
  *expected = e.get<std::string>();
  return true;
}

// The order edges Elle would add for `expected` (core.h OrderEdges).
elle::OrderEdges orders_for(const std::string& expected) {
  const std::set<std::string> prohibited = elle::prohibited_anomalies({expected});
  bool realtime = false, process = false;
  for (const elle::CycleSpec& s : elle::cycle_specs()) {
    if (prohibited.count(elle::table_name(s.type)) == 0) continue;
    realtime = realtime || s.variant == elle::Variant::kRealtime;
    process = process || s.variant == elle::Variant::kProcess;
  }
  return realtime  ? elle::OrderEdges::kRealtime
         : process ? elle::OrderEdges::kProcess
                   : elle::OrderEdges::kNone;
}

// Reads the boolean option `name` (absent: false) into *flag.
bool boolean_option(const nlohmann::json& options, const std::string& name, bool* flag,
                    CheckOutcome* bad) {
  *flag = false;
  if (!options.contains(name)) return true;
  if (!options[name].is_boolean()) {
    *bad = option_error(name + " takes true or false, not " + options[name].dump());
    return false;
  }
  *flag = options[name].get<bool>();
  return true;
}

}  // namespace

CheckOutcome run_elle_list_append(const nlohmann::json& options, const history::History& h) {
  std::string expected;
  CheckOutcome bad;
  if (!expected_model(options, &expected, &bad)) return bad;
  const elle::ElleResult r = elle::check_list_append(h, orders_for(expected));
  return judge(r, r.to_json(), expected);
}

CheckOutcome run_elle_rw_register(const nlohmann::json& options, const history::History& h) {
  std::string expected;
  CheckOutcome bad;
  if (!expected_model(options, &expected, &bad)) return bad;
  elle::RwAssumptions a;
  if (!boolean_option(options, "sequential-keys", &a.sequential_keys, &bad)) return bad;
  if (!boolean_option(options, "linearizable-keys", &a.linearizable_keys, &bad)) return bad;
  const elle::RwRegisterResult r = elle::check_rw_register(h, a, orders_for(expected));
  return judge(r, r.to_json(), expected);
}

}  // namespace fl::checkers
