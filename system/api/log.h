// Structured JSON log lines: one object per line with time (RFC 3339 UTC, milliseconds, from the
// node's wall clock through io::Clock), level, service, msg and fields.
//   {"time":"2026-11-23T21:04:05.123Z","level":"info","service":"inventory","msg":"request",
//    "fields":{"method":"GET","route":"/api/v1/items","status":200,"latency_ms":0.41}}
// Lines below the logger's minimum level are dropped. The sink receives the line without the
// trailing newline; the composition root writes it (stderr in production, a buffer in tests).
// Field values are JSON; a field too big (over kMaxLogFieldBytes dumped) is replaced by a note.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "system/io/clock.h"

namespace fl::api {

enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarn, kError };
const char* to_string(LogLevel level);
// "debug", "info", "warn"/"warning", "error" (any case); nullopt otherwise.
std::optional<LogLevel> parse_log_level(const std::string& text);

constexpr std::size_t kMaxLogFieldBytes = 4096;

// Formats Unix-epoch nanoseconds as RFC 3339 UTC with milliseconds ("1970-01-01T00:00:00.000Z").
std::string rfc3339_ms(std::int64_t wall_ns);

class Logger {
 public:
  using Sink = std::function<void(const std::string& line)>;
  // REQUIRES: clock outlives the logger; sink non-null.
  Logger(io::Clock& clock, std::string service, LogLevel min_level, Sink sink);

  void log(LogLevel level, const std::string& msg,
           const nlohmann::json& fields = nlohmann::json::object());
  void debug(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) {
    log(LogLevel::kDebug, msg, f);
  }
  void info(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) {
    log(LogLevel::kInfo, msg, f);
  }
  void warn(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) {
    log(LogLevel::kWarn, msg, f);
  }
  void error(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) {
    log(LogLevel::kError, msg, f);
  }
  bool enabled(LogLevel level) const { return level >= min_level_; }
  const std::string& service() const { return service_; }

 private:
  io::Clock& clock_;
  std::string service_;
  LogLevel min_level_;
  Sink sink_;
};

}  // namespace fl::api
