// RFC 3339 timestamps with up to nanosecond precision, for the event store's API: the seeds send
// `point_in_time` as "2024-01-01T12:00:00Z"; responses carry `committed_at` the same way.
// Pure functions, bounded input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fl::events {

constexpr std::size_t kMaxTimestampBytes = 40;

// "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)" ('t', 'z' and a space for 'T' accepted) ->
// nanoseconds since the Unix epoch. nullopt when malformed, out of range (1970..2262) or not a
// real calendar time (Feb 30, hour 24, ...).
std::optional<std::int64_t> parse_rfc3339_ns(const std::string& text);

// Nanoseconds since the Unix epoch -> "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ". REQUIRES: ns >= 0.
std::string format_rfc3339_ns(std::int64_t ns);

}  // namespace fl::events
