// Hybrid logical clocks and RFC 3339 timestamps (hlc.h).
#include "system/sync/hlc.h"

#include <cstdio>

#include "system/io/assert.h"

namespace fl::sync {
namespace {

constexpr std::int64_t kMsPerDay = 86400000;

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Its inverse (civil_from_days).
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

bool digits(const std::string& s, std::size_t at, std::size_t n, int* out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Parses the zone at `at` ("Z" or "+hh:mm"/"-hh:mm") to an offset in ms; false if malformed.
bool parse_zone(const std::string& s, std::size_t at, std::int64_t* offset_ms) {
  if (at + 1 == s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    *offset_ms = 0;
    return true;
  }
  int hh = 0, mm = 0;
  if (at + 6 != s.size() || (s[at] != '+' && s[at] != '-') || s[at + 3] != ':') return false;
  if (!digits(s, at + 1, 2, &hh) || !digits(s, at + 4, 2, &mm) || hh > 23 || mm > 59) return false;
  *offset_ms = (s[at] == '-' ? -1 : 1) * (hh * 60 + mm) * 60000LL;
  return true;
}

}  // namespace

Hlc HlcClock::tick(std::int64_t wall_ms) {
  Hlc next = last_;
  if (wall_ms > last_.physical_ms) {
    next = {wall_ms, 0};
  } else if (last_.logical < kMaxLogical) {
    next.logical = last_.logical + 1;
  } else {
    next = {last_.physical_ms + 1, 0};
  }
  FL_ASSERT(next > last_);
  last_ = next;
  return next;
}

void HlcClock::observe(const Hlc& seen) {
  if (seen > last_) last_ = seen;
}

std::string format_timestamp(std::int64_t ms) {
  FL_ASSERT(ms >= kMinPhysicalMs && ms <= kMaxPhysicalMs);
  std::int64_t days = ms / kMsPerDay, in_day = ms % kMsPerDay;
  if (in_day < 0) {
    in_day += kMsPerDay;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, &y, &m, &d);
  const int secs = static_cast<int>(in_day / 1000), millis = static_cast<int>(in_day % 1000);
  char out[40];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(y), m, d,
                secs / 3600, secs / 60 % 60, secs % 60);
  std::string text = out;
  if (millis != 0) {
    std::snprintf(out, sizeof out, ".%03d", millis);
    text += out;
  }
  return text + "Z";
}

bool parse_timestamp(const std::string& s, std::int64_t* ms, std::string* error) {
  FL_ASSERT(ms != nullptr && error != nullptr);
  constexpr std::size_t kMaxTimestampBytes = 40;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  const bool shape = s.size() >= 20 && s.size() <= kMaxTimestampBytes && digits(s, 0, 4, &y) &&
                     s[4] == '-' && digits(s, 5, 2, &mo) && s[7] == '-' && digits(s, 8, 2, &d) &&
                     (s[10] == 'T' || s[10] == 't') && digits(s, 11, 2, &h) && s[13] == ':' &&
                     digits(s, 14, 2, &mi) && s[16] == ':' && digits(s, 17, 2, &sec);
  if (!shape || mo < 1 || mo > 12 || d < 1 ||
      static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(mo)) || h > 23 || mi > 59 ||
      sec > 59) {
    *error = "timestamp '" + s.substr(0, kMaxTimestampBytes) +
             "' is not RFC 3339 (e.g. 2024-01-01T10:00:00Z)";
    return false;
  }
  std::size_t at = 19;
  std::int64_t millis = 0;
  if (at < s.size() && s[at] == '.') {
    std::size_t n = 0;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++n) {
      if (n < 3) millis = millis * 10 + (s[at] - '0');
    }
    for (std::size_t k = n; k < 3; ++k) millis *= 10;
    if (n == 0) at = s.size() + 1;  // "10:00:00.Z": malformed
  }
  std::int64_t offset = 0;
  if (at >= s.size() || !parse_zone(s, at, &offset)) {
    *error = "timestamp '" + s.substr(0, kMaxTimestampBytes) + "' has no valid zone (Z, +hh:mm)";
    return false;
  }
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  *ms = days * kMsPerDay + ((h * 60 + mi) * 60 + sec) * 1000LL + millis - offset;
  if (*ms < kMinPhysicalMs || *ms > kMaxPhysicalMs) {
    *error = "timestamp '" + s + "' is out of range";
    return false;
  }
  return true;
}

std::string hlc_text(const Hlc& hlc) {
  return std::to_string(hlc.physical_ms) + "." + std::to_string(hlc.logical);
}

}  // namespace fl::sync
