// Proves the event store's timestamps (system/events/rfc3339.h): the seeds' point_in_time and
// known instants parse to the right nanoseconds, offsets and fractions are honoured, every
// formatted instant parses back to itself (RapidCheck, 1970..2262), and malformed or impossible
// text is refused rather than misread.
#include "system/events/rfc3339.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace fl::events {
namespace {

constexpr std::int64_t kSec = 1'000'000'000;

TEST(Rfc3339, ParsesKnownInstants) {
  EXPECT_EQ(parse_rfc3339_ns("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ns("2024-01-01T12:00:00Z"), 1704110400 * kSec);  // the seeds' example
  EXPECT_EQ(parse_rfc3339_ns("2024-01-01T12:00:00.5Z"), 1704110400 * kSec + 500'000'000);
  EXPECT_EQ(parse_rfc3339_ns("2024-01-01T12:00:00.000000001Z"), 1704110400 * kSec + 1);
  EXPECT_EQ(parse_rfc3339_ns("2024-01-01T14:00:00+02:00"), 1704110400 * kSec);
  EXPECT_EQ(parse_rfc3339_ns("2024-01-01T11:30:00-00:30"), 1704110400 * kSec);
  EXPECT_EQ(parse_rfc3339_ns("2024-02-29t12:00:00z"), 1709208000 * kSec);  // leap day
  EXPECT_EQ(format_rfc3339_ns(1704110400 * kSec + 7), "2024-01-01T12:00:00.000000007Z");
}

TEST(Rfc3339, RefusesMalformedAndImpossibleTimes) {
  for (const char* bad :
       {"", "2024-01-01", "2024-01-01T12:00:00", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-01T12:60:00Z", "2024-01-01T12:00:00.Z",
        "2024-01-01T12:00:00.1234567890Z", "2024-01-01T12:00:00+24:00", "1969-12-31T23:59:59Z",
        "2263-01-01T00:00:00Z", "2024-01-01T12:00:00Zjunk", "20x4-01-01T00:00:00Z",
        "2024-01-01T12:00:00+0200", "1970-01-01T00:00:00+00:01"}) {
    EXPECT_FALSE(parse_rfc3339_ns(bad).has_value()) << bad;
  }
  EXPECT_FALSE(parse_rfc3339_ns(std::string(1000, '9')).has_value());
}

RC_GTEST_PROP(Rfc3339Property, FormatThenParseIsIdentity, ()) {
  const auto ns = *rc::gen::inRange<std::int64_t>(0, 9'000'000'000'000'000'000);
  const std::string text = format_rfc3339_ns(ns);
  RC_ASSERT(parse_rfc3339_ns(text) == std::optional<std::int64_t>(ns));
}

}  // namespace
}  // namespace fl::events
