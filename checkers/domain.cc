// Domain checkers: bank, set, counter.
#include "checkers/checker_impls.h"

namespace fl::checkers {

CheckOutcome run_bank(const nlohmann::json&, const history::History&) {
  return option_error("bank: not built yet");
}
CheckOutcome run_set(const nlohmann::json&, const history::History&) {
  return option_error("set: not built yet");
}
CheckOutcome run_counter(const nlohmann::json&, const history::History&) {
  return option_error("counter: not built yet");
}

}  // namespace fl::checkers
