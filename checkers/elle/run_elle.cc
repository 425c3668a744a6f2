// The "elle-list-append" and "elle-rw-register" registry entries: run the Elle analysis and
// judge it against the expected consistency model. rw-register also takes Elle's optional
// version-order assumptions "sequential-keys" and "linearizable-keys" (booleans, default false).
#include <algorithm>
#include <utility>

#include "checkers/checker_impls.h"
#include "checkers/elle/list_append.h"
#include "checkers/elle/rw_register.h"

namespace fl::checkers {
namespace {

const std::vector<std::string>& known_models() {
  static const std::vector<std::string> m = {"read-committed", "snapshot-isolation", "serializable",
                                             "strict-serializable"};
  return m;
}

// `json` is r's rendering (a checker's result type may add to ElleResult's).
CheckOutcome judge(const elle::ElleResult& r, nlohmann::json json, const std::string& expected) {
  CheckOutcome o;
  o.result = std::move(json);
  o.result["expected"] = expected;
  if (!r.error.empty()) {
    o.valid = Validity::kUnknown;
    return o;
  }
  const bool ruled_out =
      std::find(r.not_models.begin(), r.not_models.end(), expected) != r.not_models.end();
  o.valid = ruled_out ? Validity::kFalse : Validity::kTrue;
  return o;
}

bool expected_model(const nlohmann::json& options, std::string* expected, CheckOutcome* bad) {
  *expected = "strict-serializable";
  if (!options.contains("expected")) return true;
  const auto& e = options["expected"];
  const auto& m = known_models();
  if (!e.is_string() || std::find(m.begin(), m.end(), e.get<std::string>()) == m.end()) {
    *bad = option_error(
        "expected takes read-committed, snapshot-isolation, serializable or strict-serializable");
    return false;
  }
  *expected = e.get<std::string>();
  return true;
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
  const elle::ElleResult r = elle::check_list_append(h);
  return judge(r, r.to_json(), expected);
}

CheckOutcome run_elle_rw_register(const nlohmann::json& options, const history::History& h) {
  std::string expected;
  CheckOutcome bad;
  if (!expected_model(options, &expected, &bad)) return bad;
  elle::RwAssumptions a;
  if (!boolean_option(options, "sequential-keys", &a.sequential_keys, &bad)) return bad;
  if (!boolean_option(options, "linearizable-keys", &a.linearizable_keys, &bad)) return bad;
  const elle::RwRegisterResult r = elle::check_rw_register(h, a);
  return judge(r, r.to_json(), expected);
}

}  // namespace fl::checkers
