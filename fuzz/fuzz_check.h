// What every fuzz target shares: the input as text (bounded), a check that aborts with a message
// (libFuzzer then saves the input as a crash), and the checkers' cheap settings for parsed inputs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fl::fuzz {

constexpr std::size_t kMaxInputBytes = 1 << 20;   // longer inputs are skipped, not read
constexpr std::size_t kMaxCheckedOps = 64;        // parsed histories longer than this: not checked
constexpr std::uint64_t kMaxSearchSteps = 2'000;  // linearizability budget per fuzz input

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Aborts with `what` when `ok` is false: a finding, not a skipped input.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: %s\n", what);
  std::abort();
}

}  // namespace fl::fuzz
