// Readers that turn histories into operations for the linearizability checker:
//  - porcupine-etcd: Porcupine's copy of Jepsen etcd logs (`INFO  jepsen.util - P :type :f V`);
//  - porcupine-kv:   Porcupine's kv logs (`{:process P, :type :ok, :f :get, :key "K", :value
//  "V"}`);
//  - our JSON-lines history (history/history.h), for register, cas-register and kv ops.
// Malformed input gets an error naming the line and what was expected; nothing throws.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "checkers/linearizability.h"
#include "checkers/models.h"
#include "history/history.h"

namespace fl::checkers {

struct FormatError {
  std::size_t line = 0;
  std::string message;
  std::string to_string() const { return "line " + std::to_string(line) + ": " + message; }
};

// The format `faultline check --format auto` should read `text` as: "porcupine-etcd" (lines
// "INFO  jepsen.util - ..."), "porcupine-kv" ({:process .., :key .., :f :get|:put|:append}),
// "edn" (a first form starting with '(', '[', "{:", ';' or '#': Jepsen's and Knossos' files), or
// "jsonl". Looks at the first non-blank line only.
std::string detect_format(const std::string& text);

bool read_porcupine_etcd(std::istream& in, std::vector<LinOp>* ops, FormatError* error);
bool read_porcupine_kv(std::istream& in, std::vector<LinOp>* ops, FormatError* error);
// Pairs invocations with completions by process. ok: returned at its index; fail: definitely did
// not happen (dropped), except a failed cas under FailedCas::kEvidence; info or no completion:
// unknown. Nemesis ops are ignored. Keys come from a [key, value] pair value or a "key" field.
// `raw_strings`: string values stay plain text (kv, where appends concatenate); otherwise every
// value is compared as JSON text. `pair_keys` false: a two-element value is not a [key, value]
// pair (set reads), keys come only from a "key" field.
bool ops_from_history(const history::History& h, FailedCas failed_cas, std::vector<LinOp>* ops,
                      FormatError* error, bool raw_strings, bool pair_keys = true);

}  // namespace fl::checkers
