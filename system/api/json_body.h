// JSON request bodies and responses for the HTTP APIs: strict parsing with named limits, typed
// field readers that collect the first error, and the {"error": "..."} shape every 4xx/5xx uses.
//
// Contract: parse_object() accepts exactly one JSON object of at most kMaxApiBodyBytes, nested at
// most kMaxJsonDepth deep; anything else is an error text (never an exception). A FieldReader
// reads declared fields of one object; the first problem (missing, wrong type, out of range,
// too long, an undeclared field) is kept and later reads return defaults, so a handler validates
// the whole body before it applies anything (nothing half-applied).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "system/io/status.h"
#include "system/io/transport.h"

namespace fl::api {

using Json = nlohmann::json;

constexpr std::size_t kMaxApiBodyBytes = 64 * 1024;
constexpr int kMaxJsonDepth = 32;
constexpr std::size_t kMaxIdBytes = 128;     // ids, skus, keys
constexpr std::size_t kMaxTextBytes = 4096;  // names, messages

// 200..599 with a JSON body (dumped compactly; invalid UTF-8 is replaced, never thrown).
io::Response json_response(int status, const Json& body);
// {"error": message} with a 4xx/5xx status.
io::Response error_response(int status, const std::string& message);

// Maps a non-ok seam Status to an HTTP error: kInvalidArgument 400, kNotFound 404, kConstraint
// 409, other failures 503 (retryable) or 500, indeterminate 504 ("may have been applied: retry
// with the same idempotency key"). A 5xx body names only the kind of failure; the status's own
// text (which may name a database's host or its error) travels in the kDetailHeader header,
// which ApiServer logs and removes before the response leaves the service.
io::Response error_from_status(const io::Status& status);
inline constexpr const char* kDetailHeader = "x-faultline-detail";

// The nesting depth of a JSON text (brackets outside strings); -1 if brackets do not balance.
int json_depth(const std::string& text);

// Parses `body` as a JSON object within the limits above; nullopt and *error otherwise.
std::optional<Json> parse_object(const std::string& body, std::string* error);

class FieldReader {
 public:
  // REQUIRES: object.is_object(); `object` outlives the reader.
  explicit FieldReader(const Json& object, std::string where = "body");

  // A string of 1..max_bytes bytes. Optional fields return `fallback` when absent.
  std::string text(const std::string& name, std::size_t max_bytes, bool required = true,
                   const std::string& fallback = "");
  // A boolean.
  bool boolean(const std::string& name, bool required = true, bool fallback = false);
  // An integer (JSON number without fraction) in [min, max].
  std::int64_t integer(const std::string& name, std::int64_t min, std::int64_t max,
                       bool required = true, std::int64_t fallback = 0);
  // A nested object (a copy); an empty object when absent and optional.
  Json object(const std::string& name, bool required = true);
  // A nested array of at most max_items items (a copy); an empty array when absent and optional.
  Json array(const std::string& name, std::size_t max_items, bool required = true);
  // Any JSON value (a copy, null allowed when present); null when absent and optional.
  Json value(const std::string& name, bool required = true);

  // Fails if the object has a field no reader asked for. Call after the reads.
  void no_other_fields();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  const Json* find(const std::string& name, bool required);
  void fail(const std::string& message);

  const Json& object_;
  std::string where_;
  std::set<std::string> read_;
  std::string error_;
};

// A path id segment: 1..kMaxIdBytes of [A-Za-z0-9_.:-].
bool valid_id(const std::string& id);

}  // namespace fl::api
