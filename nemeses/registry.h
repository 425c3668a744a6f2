// The registry of single-fault nemeses: name -> description and builder. make_nemesis()
// (nemesis.h) uses it, and so do the compositions (mix, swarm) to build their parts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nemeses/fault.h"
#include "nemeses/nemesis.h"

namespace fl::nemeses {

struct FaultEntry {
  const char* name;
  const char* description;
  std::unique_ptr<Fault> (*build)(Options& options);
};

// Every single-fault nemesis, sorted by name.
const std::vector<FaultEntry>& fault_entries();
const FaultEntry* find_fault_entry(const std::string& name);
// "a|b|c" of every single-fault name.
std::string fault_names();

// Compositions (mix.cc, swarm.cc). Problems go to `options`.
std::unique_ptr<Nemesis> make_mix(Options& options);
std::unique_ptr<Nemesis> make_swarm(Options& options);

}  // namespace fl::nemeses
