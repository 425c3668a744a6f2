#include "system/io/status.h"

namespace fl::io {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kIndeterminate:
      return "indeterminate";
  }
  return "?";
}

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNone:
      return "none";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kUnreachable:
      return "unreachable";
    case ErrorKind::kConnectionLost:
      return "connection-lost";
    case ErrorKind::kSerialization:
      return "serialization";
    case ErrorKind::kConstraint:
      return "constraint";
    case ErrorKind::kNotFound:
      return "not-found";
    case ErrorKind::kInvalidArgument:
      return "invalid-argument";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "?";
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
