// libFuzzer target for the EDN history reader (history/edn.h): arbitrary bytes must read into a
// history or an error naming a line, never crash, hang or leak. A history it reads must write
// back as EDN (to_edn_line) and read again to as many ops; short ones also go through the
// linearizability checker and both Elle checkers, which must give a verdict.
#include <sstream>

#include "checkers/registry.h"
#include "fuzz/fuzz_check.h"
#include "history/edn.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fl;
  if (size > fuzz::kMaxInputBytes) return 0;
  std::istringstream in(fuzz::as_text(data, size));
  history::History h;
  history::ParseError e;
  if (!history::read_edn(in, &h, &e)) {
    fuzz::require(!e.message.empty() && e.line >= 1, "an EDN error without a message or line");
    return 0;
  }
  fuzz::require(h.format == history::SourceFormat::kEdn, "an EDN history not marked EDN");
  std::string again;
  for (const auto& op : h.ops) again += history::to_edn_line(op) + "\n";
  std::istringstream back(again);
  history::History h2;
  fuzz::require(history::read_edn(back, &h2, &e), "to_edn_line wrote EDN that does not read");
  fuzz::require(h2.ops.size() == h.ops.size(), "the EDN round trip changed the op count");
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
