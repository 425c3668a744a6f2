// The "counter" checker (Jepsen's counter): f "add" (value: a whole-number delta) and f "read"
// (value: the counter). A read must lie between the least and the greatest value the counter
// could have had while it ran: adds acknowledged before the read began certainly count; adds
// begun before the read ended and not failed may count (ok, info or unfinished). The counter
// starts at 0. Anomaly: out-of-bounds (with the bounds).
#include "checkers/anomalies.h"
#include "checkers/calls.h"
#include "checkers/checker_impls.h"

namespace fl::checkers {
namespace {

// Running sums over history positions: at position p, the adds completed ok before p (certain)
// and the non-failed adds invoked before p (possible), split into their positive and negative
// parts so bounds hold for negative deltas too.
struct Sums {
  std::int64_t certain = 0;
  std::int64_t possible_up = 0, possible_down = 0;  // sum of max(0, d), min(0, d)
  std::int64_t certain_up = 0, certain_down = 0;
};

}  // namespace

CheckOutcome run_counter(const nlohmann::json&, const history::History& h) {
  std::vector<Call> calls;
  std::string error;
  if (!pair_calls(h, &calls, &error)) return option_error("history " + error);
  // Effects at positions: +delta into `possible` at an add's invocation, into `certain` at its
  // ok completion.
  std::vector<Sums> at(h.ops.size() + 1);
  std::vector<std::int64_t> invoked_delta(h.ops.size(), 0), certain_delta(h.ops.size(), 0);
  std::vector<bool> invoked_add(h.ops.size(), false), certain_add(h.ops.size(), false);
  std::size_t adds = 0;
  for (const Call& c : calls) {
    if (c.invoke->f != "add") continue;
    if (!c.invoke->value.is_number_integer()) return option_error("an add's value as a number");
    ++adds;
    if (c.failed()) continue;
    invoked_delta[c.invoke_pos] = c.invoke->value.get<std::int64_t>();
    invoked_add[c.invoke_pos] = true;
    if (c.ok()) {
      certain_delta[c.complete_pos] = invoked_delta[c.invoke_pos];
      certain_add[c.complete_pos] = true;
    }
  }
  for (std::size_t p = 0; p < h.ops.size(); ++p) {
    Sums s = at[p];
    if (invoked_add[p]) {
      const std::int64_t d = invoked_delta[p];
      (d > 0 ? s.possible_up : s.possible_down) += d;
    }
    if (certain_add[p]) {
      const std::int64_t d = certain_delta[p];
      s.certain += d;
      (d > 0 ? s.certain_up : s.certain_down) += d;
    }
    at[p + 1] = s;
  }
  Anomalies anomalies;
  std::size_t reads = 0;
  for (const Call& c : calls) {
    if (c.invoke->f != "read" || !c.ok()) continue;
    if (!c.complete->value.is_number_integer()) return option_error("a read's value as a number");
    ++reads;
    const Sums& begin = at[c.invoke_pos];
    const Sums& end = at[c.complete_pos];
    // Certain adds count fully; every other possible add may or may not.
    const std::int64_t lower = begin.certain + (end.possible_down - begin.certain_down);
    const std::int64_t upper = begin.certain + (end.possible_up - begin.certain_up);
    const std::int64_t v = c.complete->value.get<std::int64_t>();
    if (v < lower || v > upper) {
      anomalies.add("out-of-bounds",
                    "the read at op " + std::to_string(c.invoke->index) + " saw " +
                        std::to_string(v) + ", outside [" + std::to_string(lower) + ", " +
                        std::to_string(upper) + "]",
                    c.op_indexes());
    }
  }
  CheckOutcome o;
  o.valid =
      anomalies.empty() ? (reads == 0 ? Validity::kUnknown : Validity::kTrue) : Validity::kFalse;
  o.result = {{"reads", reads}, {"adds", adds}};
  if (reads == 0) o.result["reason"] = "no committed reads to judge";
  anomalies.write(&o.result);
  return o;
}

}  // namespace fl::checkers
