// TimelineHistory: PostgreSQL's timeline history (its .history files) as the failover rule needs
// it. For each timeline that holds records, the lsn of its first record; a timeline's records end
// where the next listed timeline begins. A leader writes the history of its own WAL to the store
// when it promotes, so candidates can tell which of their records the leader's WAL shares.
//
// Why lengths are not enough (dr-failover seed 998): a deposed primary keeps logging writes it
// cannot confirm, so its WAL can be as long as the new leader's while its tail is another
// timeline's. Comparing lengths promoted such a node and lost acknowledged writes.
//
// Contracts:
//  - A record is named by (lsn, timeline): one primary per timeline writes each lsn once, and a
//    replica appends a record only after the primary confirmed the previous one (same lsn, same
//    timeline), so two WALs holding the same (lsn, timeline) agree on every record up to it.
//  - contains(lsn, timeline): the record is in the WAL this history was taken from (or in that
//    WAL's later appends on its last timeline).
//  - shared_prefix(wal, history): the length of the longest prefix of `wal` that the history's
//    WAL holds too; records after it are a diverged tail (to be rewound).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "system/dr/db_node.h"

namespace fl::dr {

struct TimelineHistory {
  // One entry per failover; a cluster with more timelines than this needs an operator.
  static constexpr std::size_t kMaxEntries = 1000;

  std::map<std::int64_t, std::int64_t> begins;  // timeline -> lsn of its first record

  bool contains(std::int64_t lsn, std::int64_t timeline) const;
  // "timeline:first_lsn" pairs joined by ',' in timeline order; "" when empty.
  std::string encode() const;
  // nullopt for malformed text, more than kMaxEntries entries, or first lsns not strictly
  // increasing with the timeline.
  static std::optional<TimelineHistory> parse(const std::string& text);
};

// The history of a WAL (REQUIRES: its timelines never decrease, as every WAL's do), plus
// `next_timeline` beginning after its last record when next_timeline > 0 (a promotion).
TimelineHistory history_of(const std::vector<WalRecord>& wal, std::int64_t next_timeline);

// The length of the longest prefix of `wal` held by the WAL `history` was taken from.
std::int64_t shared_prefix(const std::vector<WalRecord>& wal, const TimelineHistory& history);

}  // namespace fl::dr
