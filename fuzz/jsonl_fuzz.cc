// libFuzzer target for the JSON-lines history reader (history/history.h): arbitrary bytes must
// read into a history or an error naming a line (deep nesting and out-of-range numbers included),
// never crash, hang or leak. Every op it reads must write back (to_json_line) and parse again;
// short histories also go through the linearizability checker and both Elle checkers, which must
// give a verdict.
#include <sstream>

#include "checkers/registry.h"
#include "fuzz/fuzz_check.h"
#include "history/history.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fl;
  if (size > fuzz::kMaxInputBytes) return 0;
  std::istringstream in(fuzz::as_text(data, size));
  history::History h;
  history::ParseError e;
  if (!history::read_jsonl(in, &h, &e)) {
    fuzz::require(!e.message.empty() && e.line >= 1, "a JSON-lines error without a message");
    return 0;
  }
  for (const auto& op : h.ops) {
    history::Op again;
    fuzz::require(history::parse_op(history::to_json_line(op), 1, &again, &e),
                  "to_json_line wrote a line that does not parse");
    fuzz::require(again.f == op.f && again.type == op.type && again.process == op.process,
                  "the JSON round trip changed an op");
  }
  if (h.ops.size() <= fuzz::kMaxCheckedOps) {
    const auto o = checkers::run_checker("linearizable", {{"max-steps", fuzz::kMaxSearchSteps}}, h);
    fuzz::require(o.result.contains("valid"), "a verdict without valid");
    // The transactional checkers too, rw-register with every order assumption.
    const nlohmann::json assume = {{"sequential-keys", true}, {"linearizable-keys", true}};
    for (const auto& [name, options] : {std::pair{"elle-list-append", nlohmann::json::object()},
                                        std::pair{"elle-rw-register", assume}}) {
      const auto e = checkers::run_checker(name, options, h);
      fuzz::require(e.result.contains("valid"), "an Elle verdict without valid");
    }
  }
  return 0;
}
