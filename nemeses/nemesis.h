// Nemesis: a fault schedule, registered by name, built from options, run against a FaultPort.
//
// Usage (the harness, from a harness fiber in simulation or a thread in real mode):
//   std::string error;
//   std::unique_ptr<Nemesis> n = make_nemesis("partition-halves", options_json, &error);
//   if (!n) -> bad scenario: `error` names the nemesis, the option and what was expected.
//   if (std::string why = n->refuse(port); !why.empty()) -> refuse the run with `why`.
//   n->run(port, random, chaos_end_ns, record);   // returns at chaos_end_ns, its faults ended
//   port.heal_all();                               // heal phase: the system must recover
//   results["nemesis"] = n->describe();            // options and what the seed drew
//
// Contract of run(): faults start and stop only through `port`; every start and stop is
// recorded through `record` as a history op with process history::kNemesisProcess, type info,
// f "start-<kind>" / "stop-<kind>", value describing the targets and parameters, time =
// port.now_ns(), index 0 (the harness numbers ops as it appends them) and, when the port
// returned an error, extra {"error": "..."}. run() draws only from `random` (same seed, same
// schedule), injects nothing at or after `until_ns`, stops every fault it started before it
// returns, and performs at most max_faults injections (a named limit in each schedule).
// REQUIRES: refuse(port) == "" (run() asserts it: a fault is never skipped silently).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/history.h"
#include "nemeses/fault_port.h"
#include "system/io/random.h"

namespace fl::nemeses {

using Record = std::function<void(const history::Op&)>;

class Nemesis {
 public:
  Nemesis() = default;
  Nemesis(const Nemesis&) = delete;
  Nemesis& operator=(const Nemesis&) = delete;
  virtual ~Nemesis() = default;

  // The registered name it was built under.
  virtual std::string name() const = 0;
  // Every kind of fault this nemesis may inject (swarm: every kind it may draw).
  virtual std::vector<FaultKind> kinds() const = 0;
  // "" when `port` can inject every kind in kinds(); otherwise the port's refusal, prefixed with
  // this nemesis' name and the fault kind.
  std::string refuse(const FaultPort& port) const;
  // Runs the schedule until `until_ns` (port time). See the file comment for the contract.
  virtual void run(FaultPort& port, io::Random& random, std::int64_t until_ns,
                   const Record& record) = 0;
  // The options in force, and after run() what the seed drew (swarm) and counters, as JSON.
  virtual nlohmann::json describe() const = 0;

 protected:
  // Node names the options named explicitly; refuse() checks they are all port.nodes().
  virtual std::vector<std::string> named_nodes() const { return {}; }
};

// Builds the nemesis registered as `name` from `options` (a JSON object; null means {}).
// Returns nullptr and sets *error on an unknown name, an unknown option, a wrong type or an
// impossible value; the message names the nemesis, the option and what was expected.
std::unique_ptr<Nemesis> make_nemesis(const std::string& name, const nlohmann::json& options,
                                      std::string* error);

// Every registered name, sorted, with a one-line description each.
struct NemesisInfo {
  std::string name;
  std::string description;
};
std::vector<NemesisInfo> nemesis_catalog();

}  // namespace fl::nemeses
