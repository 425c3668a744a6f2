// Generates list-append and rw-register histories from a true serializable execution (for
// benchmarks and property tests): transactions run atomically, one at a time, at their invocation;
// up to `concurrency` are open at once, each completing some transactions later, so the history has
// real concurrency yet is strict serializable. Keys rotate like Jepsen's append workload (a key
// retires after `max_appends_per_key` appends), which keeps reads short.
#pragma once

#include <cstdint>

#include "history/history.h"

namespace fl::checkers::elle {

struct GenerateOptions {
  std::size_t transactions = 1000;
  std::size_t concurrency = 5;  // open transactions at once (and processes: twice that)
  std::size_t mops_per_txn = 4;
  std::size_t active_keys = 100;
  std::size_t max_appends_per_key = 64;
  std::uint64_t seed = 42;
};

history::History generate_list_append(const GenerateOptions& options);
// The same for rw-register: ["w", k, v] with unique v per key, ["r", k, v|null].
history::History generate_rw_register(const GenerateOptions& options);

}  // namespace fl::checkers::elle
