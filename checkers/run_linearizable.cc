// The "linearizable" registry entry: our history -> LinOps -> Wing-Gong-Lowe search, with the
// failing operations named by their history op indexes.
#include <algorithm>

#include "checkers/checker_impls.h"
#include "checkers/formats.h"
#include "checkers/models.h"

namespace fl::checkers {
namespace {

std::string guess_model(const history::History& h) {
  bool cas = false, kv = false, set = false, mutex = false;
  for (const auto& op : h.ops) {
    if (op.process == history::kNemesisProcess) continue;
    if (op.f == "txn") return "multi-register";  // Knossos' [:read k v] / [:write k v]
    cas = cas || op.f == "cas";
    kv = kv || op.f == "get" || op.f == "put" || op.f == "append";
    set = set || op.f == "add";
    mutex = mutex || op.f == "acquire" || op.f == "release";
  }
  return mutex ? "mutex" : set ? "set" : kv ? "kv" : cas ? "cas-register" : "register";
}

// LinOp::source is the 1-based position in h.ops; reports use the op's own index.
std::int64_t history_index(const history::History& h, std::size_t source) {
  if (source == 0 || source > h.ops.size()) return static_cast<std::int64_t>(source);
  return h.ops[source - 1].index;
}

// What a failed operation means unless "failed-cas" says: Knossos' meaning (it did not happen)
// for Jepsen's EDN files, Porcupine's (a failed cas is evidence that the compare did not match)
// for our JSON lines and histories built in code. The verdict names the meaning used and why.
std::string default_failed_cas(const history::History& h) {
  return h.format == history::SourceFormat::kEdn ? "never-happened" : "evidence";
}

}  // namespace

CheckOutcome option_error(const std::string& message) {
  CheckOutcome o;
  o.valid = Validity::kUnknown;
  o.result = {{"error", message}, {"anomalies", nlohmann::json::array()}};
  return o;
}

CheckOutcome run_linearizable(const nlohmann::json& options, const history::History& h) {
  const std::string model_name = options.value("model", std::string());
  if (options.contains("failed-cas") && !options["failed-cas"].is_string()) {
    return option_error("failed-cas takes evidence or never-happened");
  }
  const std::string failed = options.value("failed-cas", default_failed_cas(h));
  if (failed != "evidence" && failed != "never-happened") {
    return option_error("failed-cas takes evidence or never-happened");
  }
  if (options.contains("initial") && !options["initial"].is_object()) {
    return option_error("initial takes a JSON object of register -> value (multi-register)");
  }
  LinOptions lin;
  if (options.contains("max-steps")) {
    if (!options["max-steps"].is_number_unsigned() ||
        options["max-steps"].get<std::uint64_t>() == 0) {
      return option_error("max-steps takes a positive whole number");
    }
    lin.max_steps = options["max-steps"].get<std::uint64_t>();
  }
  if (!model_name.empty() && make_model(model_name) == nullptr) {
    std::string known;
    for (const auto& n : model_names()) known += (known.empty() ? "" : ", ") + n;
    return option_error("unknown model '" + model_name + "' (" + known + ")");
  }
  const FailedCas fc = failed == "evidence" ? FailedCas::kEvidence : FailedCas::kNeverHappened;
  std::vector<LinOp> ops;
  FormatError fe;
  const std::string name = model_name.empty() ? guess_model(h) : model_name;
  const bool pair_keys = name != "set" && name != "mutex";
  // kv appends concatenate plain strings.
  if (!ops_from_history(h, fc, &ops, &fe, name == "kv", pair_keys)) {
    return option_error("history " + fe.to_string());
  }
  if (name == "set") {
    for (LinOp& op : ops) {
      if (op.f == "read" && !op.unknown) op.out = canonical_set(op.out);
    }
  }
  const auto model = name == "multi-register"
                         ? make_multi_register(options.value("initial", nlohmann::json::object()))
                         : make_model(name);
  const LinResult r = check_linearizable(ops, *model, lin);
  CheckOutcome o;
  o.valid = r.valid;
  o.result = r.to_json(ops, *model);
  o.result["operations"] = ops.size();
  o.result["failed-cas"] = failed;
  o.result["failed-cas-from"] =
      options.contains("failed-cas")
          ? "the failed-cas option"
          : std::string("the default for ") + history::to_string(h.format) + " histories";
  nlohmann::json anomalies = nlohmann::json::array();
  if (r.valid == Validity::kFalse) {
    nlohmann::json idx = nlohmann::json::array();
    constexpr std::size_t kMaxContext = 8;  // the last linearized ops shown before the stuck one
    const std::size_t from =
        r.linearized.size() > kMaxContext ? r.linearized.size() - kMaxContext : 0;
    for (std::size_t i = from; i < r.linearized.size(); ++i) {
      idx.push_back(history_index(h, ops[r.linearized[i]].source));
    }
    // The blamed op: its invocation and, when it completed, its completion (the op Knossos
    // names), last. ops_from_history keeps positions in h.ops as call and ret.
    const LinOp& stuck = ops[r.stuck_op];
    idx.push_back(history_index(h, stuck.source));
    if (!stuck.unknown && stuck.ret != LinOp::kNever) {
      idx.push_back(history_index(h, static_cast<std::size_t>(stuck.ret) + 1));
    }
    anomalies.push_back(
        {{"type", "nonlinearizable"},
         {"explanation", "key '" + r.key + "': " + model->describe(ops[r.stuck_op]) + " (process " +
                             std::to_string(ops[r.stuck_op].process) +
                             ") cannot be linearized after the longest legal prefix"},
         {"ops", idx}});
  }
  o.result["anomalies"] = anomalies;
  return o;
}

}  // namespace fl::checkers
