// Hybrid logical clocks (Kulkarni, Demirbas et al., "Logical Physical Clocks", 2014): timestamps
// that stay close to the wall clock but never go backwards and always order an event after every
// event it has seen, whatever the wall clocks of the devices say. LWW registers and maps order
// their writes by (HLC, node id) (crdt.h), never by a device's wall clock alone: a device whose
// clock runs an hour slow still writes after the value it read. The seeds' `timestamp` field is
// the HLC's physical part (RFC 3339, millisecond precision); the logical part breaks ties within
// one millisecond. Pure code: the wall time comes from the caller (io::Clock).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace fl::sync {

struct Hlc {
  std::int64_t physical_ms = 0;  // milliseconds since the Unix epoch
  std::int64_t logical = 0;      // 0..kMaxLogical
  auto operator<=>(const Hlc&) const = default;
};

constexpr std::int64_t kMaxLogical = 1 << 30;
// 0000-01-01 .. 9999-12-31T23:59:59.999Z: what RFC 3339 can write.
constexpr std::int64_t kMinPhysicalMs = -62167219200000;
constexpr std::int64_t kMaxPhysicalMs = 253402300799999;

class HlcClock {
 public:
  // The timestamp of a new local event at wall time `wall_ms`: greater than every timestamp this
  // clock issued or observed. When the logical part would pass kMaxLogical the physical part moves
  // on by a millisecond instead.
  Hlc tick(std::int64_t wall_ms);
  // Folds in a timestamp seen in a remote state: every later tick() is greater than it.
  void observe(const Hlc& seen);
  const Hlc& last() const { return last_; }

 private:
  Hlc last_;
};

// The known bug sync-crdt-bug-lww-wall-clock: the device's wall clock alone, as the seeds' naive
// LWW does (no logical part, nothing observed).
inline Hlc wall_clock_stamp(std::int64_t wall_ms) { return Hlc{wall_ms, 0}; }

// "2024-01-01T11:00:00Z" (whole seconds) or "2024-01-01T11:00:00.250Z".
// REQUIRES: kMinPhysicalMs <= ms <= kMaxPhysicalMs.
std::string format_timestamp(std::int64_t ms);
// Parses RFC 3339 ("2024-01-01T10:00:00Z", "...00.5+02:00"; a fraction beyond milliseconds is
// truncated). false and *error on anything else.
bool parse_timestamp(const std::string& text, std::int64_t* ms, std::string* error);

// "<physical_ms>.<logical>", as histories and canonical states write an HLC.
std::string hlc_text(const Hlc& hlc);

}  // namespace fl::sync
