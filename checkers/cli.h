// `faultline check` and `faultline bench checkers`.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace fl::checkers {

// `faultline check <history> [--checker NAME] [--model M] [--options JSON]
//   [--format auto|jsonl|edn|porcupine-etcd|porcupine-kv] [--failed-cas evidence|never-happened]
//   [--max-steps N] [--expected MODEL] [--sequential-keys] [--linearizable-keys] [--total N]
//   [--negative-allowed]`: runs a registry
// checker (registry.h; chosen from the ops when not named: txn -> Elle list-append or
// rw-register, transfer -> bank, add + read -> set or counter, else linearizable with the model
// guessed). --model takes a linearizability model (register, cas-register, kv, mutex) or
// list-append, rw-register, bank, set, counter (the set-full checker; the linearizable set model
// is `--checker linearizable --options '{"model": "set"}'`). Prints the result as JSON (with
// "valid"); exit 0 valid, 1 invalid, 2 unknown or bad input.
int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `faultline bench checkers [--histories DIR]`.
int bench_checkers_command(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err);

}  // namespace fl::checkers
