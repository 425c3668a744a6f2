// Fault: one kind of trouble a schedule starts and later stops (the building block of every
// registered nemesis), plus the helpers faults share: choosing target nodes and recording ops.
//
// A schedule (schedule.h) alternates quiet gaps and faults; each fault is start()ed, held for a
// drawn duration, then stop()ped. start() draws its targets from `random` only, so a schedule
// is a pure function of the seed and of what the port answers.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nemeses/fault_port.h"
#include "options/reader.h"
#include "system/io/random.h"

namespace fl::nemeses {

// Nemeses read their options with the one options reader (options/reader.h).
using Options = options::Reader;

class Fault {
 public:
  virtual ~Fault() = default;
  // The history's <kind> in "start-<kind>": one of fault_port.h's to_string(FaultKind).
  virtual std::string kind() const = 0;
  virtual std::vector<FaultKind> kinds() const = 0;
  // Starts the fault. Returns the op value (targets and parameters); *error is the port's
  // error ("" if the fault is in force).
  virtual nlohmann::json start(FaultPort& port, io::Random& random, std::string* error) = 0;
  // Ends the fault the last successful start() began. Returns the op value; *error as above.
  virtual nlohmann::json stop(FaultPort& port, std::string* error) = 0;
  // The options in force.
  virtual nlohmann::json describe() const = 0;
  // Node names this fault was told to target (empty: any of port.nodes()).
  virtual std::vector<std::string> only_nodes() const { return {}; }
};

// Which nodes a fault hits: "nodes" (explicit candidates, default all of port.nodes()) and
// "targets" (how many of them: one, minority, majority, all).
struct Targets {
  std::vector<std::string> nodes;
  std::string count = "one";

  static Targets read(Options& options, const std::string& fallback_count);
  std::vector<std::string> candidates(const FaultPort& port) const;
  // Draws the targets. Empty only when there are no candidates.
  std::vector<std::string> pick(const FaultPort& port, io::Random& random) const;
  nlohmann::json describe() const;
};

// A uniform random permutation of `items` (Fisher-Yates with our own bounded draw).
std::vector<std::string> shuffled(std::vector<std::string> items, io::Random& random);
// Joins non-empty errors with "; ".
void append_error(std::string* errors, const std::string& error);

// Builders of each fault, by file. Each reads its own options; problems go to `options`.
std::unique_ptr<Fault> make_partition(Options& options, const std::string& shape);
std::unique_ptr<Fault> make_kill(Options& options, bool lose_unsynced);
std::unique_ptr<Fault> make_pause(Options& options);
std::unique_ptr<Fault> make_clock(Options& options, bool offset, bool drift);
std::unique_ptr<Fault> make_link(Options& options, const std::string& what);

}  // namespace fl::nemeses
