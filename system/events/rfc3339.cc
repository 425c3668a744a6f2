// RFC 3339 timestamps (rfc3339.h). Calendar arithmetic after Howard Hinnant's days_from_civil.
#include "system/events/rfc3339.h"

#include <cstdio>

#include "system/io/assert.h"

namespace fl::events {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kMaxYear = 2262;  // int64 nanoseconds end in April 2262

std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::int64_t days_in_month(std::int64_t y, std::int64_t m) {
  static constexpr std::int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[*at]; false if they are not all digits.
bool digits(const std::string& text, std::size_t* at, int n, std::int64_t* out) {
  if (*at + static_cast<std::size_t>(n) > text.size()) return false;
  std::int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = text[(*at)++];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool expect(const std::string& text, std::size_t* at, const char* any_of) {
  if (*at >= text.size()) return false;
  for (const char* c = any_of; *c != '\0'; ++c) {
    if (text[*at] == *c) {
      ++*at;
      return true;
    }
  }
  return false;
}

// The fraction after '.', scaled to nanoseconds (1..9 digits).
bool fraction(const std::string& text, std::size_t* at, std::int64_t* ns) {
  *ns = 0;
  if (*at >= text.size() || text[*at] != '.') return true;
  ++*at;
  int n = 0;
  std::int64_t scale = kNsPerSecond / 10;
  for (; *at < text.size() && text[*at] >= '0' && text[*at] <= '9'; ++*at, ++n) {
    if (n == 9) return false;
    *ns += (text[*at] - '0') * scale;
    scale /= 10;
  }
  return n > 0;
}

// The zone: "Z" -> 0, or "+HH:MM" / "-HH:MM" -> the offset east of UTC in seconds.
bool zone(const std::string& text, std::size_t* at, std::int64_t* offset_s) {
  if (expect(text, at, "Zz")) {
    *offset_s = 0;
    return true;
  }
  if (*at >= text.size()) return false;
  const std::int64_t sign = text[*at] == '-' ? -1 : 1;
  if (!expect(text, at, "+-")) return false;
  std::int64_t hh = 0, mm = 0;
  if (!digits(text, at, 2, &hh) || !expect(text, at, ":") || !digits(text, at, 2, &mm)) {
    return false;
  }
  if (hh > 23 || mm > 59) return false;
  *offset_s = sign * (hh * 3600 + mm * 60);
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ns(const std::string& text) {
  if (text.size() > kMaxTimestampBytes) return std::nullopt;
  std::size_t at = 0;
  std::int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ns = 0, offset_s = 0;
  const bool shape =
      digits(text, &at, 4, &y) && expect(text, &at, "-") && digits(text, &at, 2, &mo) &&
      expect(text, &at, "-") && digits(text, &at, 2, &d) && expect(text, &at, "Tt ") &&
      digits(text, &at, 2, &h) && expect(text, &at, ":") && digits(text, &at, 2, &mi) &&
      expect(text, &at, ":") && digits(text, &at, 2, &s) && fraction(text, &at, &ns) &&
      zone(text, &at, &offset_s) && at == text.size();
  if (!shape || y < 1970 || y > kMaxYear || mo < 1 || mo > 12 || d < 1 ||
      d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) {
    return std::nullopt;
  }
  const std::int64_t seconds =
      days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_s;
  if (seconds < 0 || seconds > (INT64_MAX - ns) / kNsPerSecond) return std::nullopt;
  return seconds * kNsPerSecond + ns;
}

std::string format_rfc3339_ns(std::int64_t ns) {
  FL_ASSERT(ns >= 0);
  const std::int64_t seconds = ns / kNsPerSecond;
  std::int64_t days = seconds / 86400;
  const std::int64_t rem = seconds % 86400;
  // civil_from_days
  days += 719468;
  const std::int64_t era = days / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09lldZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem % 3600 / 60),
                static_cast<long long>(rem % 60), static_cast<long long>(ns % kNsPerSecond));
  return buf;
}

}  // namespace fl::events
