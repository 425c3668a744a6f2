// The "bank" checker (Jepsen's bank test): transfers move money between accounts, so every
// committed read must see the same total; balances may not go negative unless allowed.
// Options: {"total": N (default: the first ok read's total, reported as inferred),
// "negative-allowed": bool (default false)}. Transfers are f "transfer" with value
// {"from", "to", "amount"}; reads are f "read" with value {account: balance}.
// Anomalies: wrong-total, negative-value, nil-balance (a balance that is not a number),
// malformed-read (a read value that is not an object).
#include "checkers/anomalies.h"
#include "checkers/calls.h"
#include "checkers/checker_impls.h"

namespace fl::checkers {
namespace {

std::string read_text(const Call& c) {
  return "the read at op " + std::to_string(c.invoke->index) + " (process " +
         std::to_string(c.invoke->process) + ") saw " + c.complete->value.dump();
}

}  // namespace

CheckOutcome run_bank(const nlohmann::json& options, const history::History& h) {
  if (options.contains("total") && !options["total"].is_number_integer()) {
    return option_error("total takes a whole number");
  }
  if (options.contains("negative-allowed") && !options["negative-allowed"].is_boolean()) {
    return option_error("negative-allowed takes true or false");
  }
  const bool negative_allowed = options.value("negative-allowed", false);
  std::vector<Call> calls;
  std::string error;
  if (!pair_calls(h, &calls, &error)) return option_error("history " + error);
  bool have_total = options.contains("total");
  std::int64_t total = have_total ? options["total"].get<std::int64_t>() : 0;
  const bool inferred = !have_total;
  Anomalies anomalies;
  std::size_t reads = 0, transfers = 0;
  for (const Call& c : calls) {
    if (c.invoke->f == "transfer") ++transfers;
    if (c.invoke->f != "read" || !c.ok()) continue;
    ++reads;
    const nlohmann::json& v = c.complete->value;
    if (!v.is_object()) {
      anomalies.add("malformed-read", read_text(c) + ", not a map of balances", c.op_indexes());
      continue;
    }
    std::int64_t sum = 0;
    bool numeric = true;
    for (const auto& [account, balance] : v.items()) {
      if (!balance.is_number_integer()) {
        anomalies.add("nil-balance", read_text(c) + ": account " + account + " has no balance",
                      c.op_indexes());
        numeric = false;
        continue;
      }
      const std::int64_t b = balance.get<std::int64_t>();
      sum += b;
      if (b < 0 && !negative_allowed) {
        anomalies.add("negative-value", read_text(c) + ": account " + account + " is negative",
                      c.op_indexes());
      }
    }
    if (!numeric) continue;
    if (!have_total) {
      total = sum;
      have_total = true;
    }
    if (sum != total) {
      anomalies.add(
          "wrong-total",
          read_text(c) + ": total " + std::to_string(sum) + ", expected " + std::to_string(total),
          c.op_indexes());
    }
  }
  CheckOutcome o;
  o.valid =
      anomalies.empty() ? (reads == 0 ? Validity::kUnknown : Validity::kTrue) : Validity::kFalse;
  o.result = {{"reads", reads}, {"transfers", transfers}, {"total-inferred", inferred}};
  if (have_total) o.result["total"] = total;
  if (reads == 0) o.result["reason"] = "no committed reads to judge";
  anomalies.write(&o.result);
  return o;
}

}  // namespace fl::checkers
