// Status and Result: the three outcomes of every remote call, as in Jepsen.
//
//   ok            the operation took effect (and a Result carries its value);
//   failed        the operation definitely did not take effect;
//   indeterminate the operation may or may not have taken effect (a lost reply, a commit whose
//                 acknowledgement never arrived). Callers must handle it explicitly; histories
//                 record it as `info`.
//
// `retryable` says whether trying again may succeed (a serialization failure, a refused
// connection); it never makes an indeterminate outcome safe to retry blindly: that takes an
// idempotency key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "system/io/assert.h"

namespace fl::io {

enum class Outcome : std::uint8_t { kOk, kFailed, kIndeterminate };

// What went wrong, for callers that branch on it. kNone only with kOk.
enum class ErrorKind : std::uint8_t {
  kNone,
  kTimeout,         // a deadline expired before the reply came
  kUnreachable,     // connection refused / no route: the request was never handled
  kConnectionLost,  // the connection broke after the request may have been sent
  kSerialization,   // a transaction lost a conflict (retryable)
  kConstraint,      // a constraint (primary key, check) refused the write
  kNotFound,
  kInvalidArgument,  // the request itself was bad; retrying will not help
  kUnavailable,      // the resource is down, paused or fenced
  kInternal,
};

const char* to_string(Outcome outcome);
const char* to_string(ErrorKind kind);

class [[nodiscard]] Status {
 public:
  static Status ok() { return Status(Outcome::kOk, ErrorKind::kNone, false, {}); }
  static Status failed(ErrorKind kind, std::string message, bool retryable = false) {
    FL_ASSERT(kind != ErrorKind::kNone);
    return Status(Outcome::kFailed, kind, retryable, std::move(message));
  }
  static Status indeterminate(ErrorKind kind, std::string message, bool retryable = true) {
    FL_ASSERT(kind != ErrorKind::kNone);
    return Status(Outcome::kIndeterminate, kind, retryable, std::move(message));
  }

  bool is_ok() const { return outcome_ == Outcome::kOk; }
  bool is_failed() const { return outcome_ == Outcome::kFailed; }
  bool is_indeterminate() const { return outcome_ == Outcome::kIndeterminate; }
  Outcome outcome() const { return outcome_; }
  ErrorKind kind() const { return kind_; }
  bool retryable() const { return retryable_; }
  const std::string& message() const { return message_; }
  // "ok", or "<outcome>/<kind>: message".
  std::string to_string() const;

 private:
  Status(Outcome outcome, ErrorKind kind, bool retryable, std::string message)
      : outcome_(outcome), kind_(kind), retryable_(retryable), message_(std::move(message)) {}

  Outcome outcome_;
  ErrorKind kind_;
  bool retryable_;
  std::string message_;
};

// A value or a non-ok Status. Reading value() of a non-ok Result is a programmer error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : status_(Status::ok()), value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {      // NOLINT: implicit by design
    FL_ASSERT_MSG(!status_.is_ok(), "an ok Result needs a value");
  }

  bool is_ok() const { return status_.is_ok(); }
  const Status& status() const { return status_; }
  T& value() {
    FL_ASSERT_MSG(value_.has_value(), status_.to_string());
    return *value_;
  }
  const T& value() const {
    FL_ASSERT_MSG(value_.has_value(), status_.to_string());
    return *value_;
  }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace fl::io
