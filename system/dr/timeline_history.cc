#include "system/dr/timeline_history.h"

#include "system/io/assert.h"

namespace fl::dr {
namespace {

// A decimal integer of at most 18 digits, or -1.
std::int64_t parse_int(const std::string& text, std::size_t from, std::size_t to) {
  if (to <= from || to - from > 18) return -1;
  std::int64_t v = 0;
  for (std::size_t i = from; i < to; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

bool TimelineHistory::contains(std::int64_t lsn, std::int64_t timeline) const {
  auto it = begins.find(timeline);
  if (it == begins.end() || lsn < it->second) return false;
  auto next = std::next(it);
  return next == begins.end() || lsn < next->second;
}

std::string TimelineHistory::encode() const {
  std::string out;
  for (const auto& [timeline, first] : begins) {
    if (!out.empty()) out += ',';
    out += std::to_string(timeline) + ':' + std::to_string(first);
  }
  return out;
}

std::optional<TimelineHistory> TimelineHistory::parse(const std::string& text) {
  TimelineHistory h;
  std::size_t at = 0;
  while (at < text.size()) {
    if (h.begins.size() >= kMaxEntries) return std::nullopt;
    std::size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    const std::size_t colon = text.find(':', at);
    if (colon == std::string::npos || colon > end) return std::nullopt;
    const std::int64_t timeline = parse_int(text, at, colon);
    const std::int64_t first = parse_int(text, colon + 1, end);
    if (timeline < 1 || first < 1) return std::nullopt;
    if (!h.begins.empty()) {
      const auto& [last_timeline, last_first] = *h.begins.rbegin();
      if (timeline <= last_timeline || first <= last_first) return std::nullopt;
    }
    h.begins[timeline] = first;
    at = end + 1;
    if (end + 1 == text.size()) return std::nullopt;  // a trailing ','
  }
  return h;
}

TimelineHistory history_of(const std::vector<WalRecord>& wal, std::int64_t next_timeline) {
  TimelineHistory h;
  std::int64_t last = 0;
  for (const WalRecord& r : wal) {
    FL_ASSERT_LE(last, r.timeline);
    if (r.timeline != last) h.begins[r.timeline] = r.lsn;
    last = r.timeline;
  }
  if (next_timeline > 0) {
    FL_ASSERT_LT(last, next_timeline);
    h.begins[next_timeline] = static_cast<std::int64_t>(wal.size()) + 1;
  }
  return h;
}

std::int64_t shared_prefix(const std::vector<WalRecord>& wal, const TimelineHistory& history) {
  // Records agree up to the last one the history holds, so walk back over the diverged tail.
  for (std::size_t n = wal.size(); n > 0; --n) {
    const WalRecord& r = wal[n - 1];
    FL_ASSERT_EQ(r.lsn, static_cast<std::int64_t>(n));
    if (history.contains(r.lsn, r.timeline)) return r.lsn;
  }
  return 0;
}

}  // namespace fl::dr
