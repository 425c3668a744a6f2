#include "system/api/log.h"

#include <cstdio>
#include <iterator>

#include "system/io/assert.h"

namespace fl::api {
namespace {

// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm; valid for the proleptic
// Gregorian calendar, which covers any wall clock we will see).
void civil_from_days(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

}  // namespace

const char* to_string(LogLevel level) {
  constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
  static_assert(std::size(kNames) == static_cast<std::size_t>(LogLevel::kError) + 1);
  const auto i = static_cast<std::size_t>(level);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::optional<LogLevel> parse_log_level(const std::string& text) {
  std::string t;
  for (char c : text) t += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (t == "debug") return LogLevel::kDebug;
  if (t == "info") return LogLevel::kInfo;
  if (t == "warn" || t == "warning") return LogLevel::kWarn;
  if (t == "error") return LogLevel::kError;
  return std::nullopt;
}

std::string rfc3339_ms(std::int64_t wall_ns) {
  constexpr std::int64_t kNsPerMs = 1000000;
  constexpr std::int64_t kMsPerDay = 86400000;
  std::int64_t ms = wall_ns / kNsPerMs - (wall_ns % kNsPerMs < 0 ? 1 : 0);
  std::int64_t days = ms / kMsPerDay;
  std::int64_t in_day = ms % kMsPerDay;
  if (in_day < 0) {
    in_day += kMsPerDay;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, &y, &m, &d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(in_day / 3600000),
                static_cast<long long>(in_day / 60000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
  return buf;
}

Logger::Logger(io::Clock& clock, std::string service, LogLevel min_level, Sink sink)
    : clock_(clock), service_(std::move(service)), min_level_(min_level), sink_(std::move(sink)) {
  FL_ASSERT(sink_ != nullptr);
  FL_ASSERT(!service_.empty());
}

void Logger::log(LogLevel level, const std::string& msg, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  FL_ASSERT(fields.is_object());
  nlohmann::json bounded = nlohmann::json::object();
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string dumped = it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    bounded[it.key()] = dumped.size() <= kMaxLogFieldBytes
                            ? *it
                            : nlohmann::json("<" + std::to_string(dumped.size()) + " bytes>");
  }
  // Built by hand to keep the documented key order (time, level, service, msg, fields).
  const auto text = [](const std::string& v) {
    return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  sink_("{\"time\":" + text(rfc3339_ms(clock_.wall_ns())) + ",\"level\":" + text(to_string(level)) +
        ",\"service\":" + text(service_) + ",\"msg\":" + text(msg) + ",\"fields\":" +
        bounded.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "}");
}

}  // namespace fl::api
