// libFuzzer target for the reader of Porcupine's kv logs (checkers/formats.h): arbitrary bytes
// must read into operations or an error naming a line, never crash, hang or leak; short results
// go through the kv linearizability search (per key, with its pruning), which must decide or run
// out of budget.
#include <sstream>

#include "checkers/formats.h"
#include "checkers/models.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fl;
  if (size > fuzz::kMaxInputBytes) return 0;
  std::istringstream in(fuzz::as_text(data, size));
  std::vector<checkers::LinOp> ops;
  checkers::FormatError e;
  if (!checkers::read_porcupine_kv(in, &ops, &e)) {
    fuzz::require(!e.message.empty() && e.line >= 1, "a kv-log error without a message");
    return 0;
  }
  if (ops.size() <= fuzz::kMaxCheckedOps) {
    checkers::LinOptions options;
    options.max_steps = fuzz::kMaxSearchSteps;
    const auto r = checkers::check_linearizable(ops, *checkers::make_model("kv"), options);
    if (r.valid == checkers::Validity::kFalse) {
      fuzz::require(r.stuck_op < ops.size(), "an invalid verdict blaming no op");
    }
  }
  return 0;
}
