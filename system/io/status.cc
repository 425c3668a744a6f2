#include "system/io/status.h"

#include <iterator>

namespace fl::io {

namespace {

constexpr const char* kOutcomeNames[] = {"ok", "failed", "indeterminate"};
static_assert(std::size(kOutcomeNames) == static_cast<std::size_t>(Outcome::kIndeterminate) + 1);
constexpr const char* kErrorKindNames[] = {
    "none",       "timeout",   "unreachable",      "connection-lost", "serialization",
    "constraint", "not-found", "invalid-argument", "unavailable",     "internal"};
static_assert(std::size(kErrorKindNames) == static_cast<std::size_t>(ErrorKind::kInternal) + 1);

}  // namespace

const char* to_string(Outcome outcome) {
  const auto i = static_cast<std::size_t>(outcome);
  return i < std::size(kOutcomeNames) ? kOutcomeNames[i] : "?";
}

const char* to_string(ErrorKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < std::size(kErrorKindNames) ? kErrorKindNames[i] : "?";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  std::string s = fl::io::to_string(outcome_);
  s += "/";
  s += fl::io::to_string(kind_);
  if (retryable_) s += "(retryable)";
  if (!message_.empty()) s += ": " + message_;
  return s;
}

}  // namespace fl::io
