// Point-in-time recovery over the WAL archive (what pgBackRest's restore and PostgreSQL's
// recovery_target_* do): a base backup (the table as of an lsn) plus the archived WAL after it,
// replayed up to a target: an lsn, a commit time, or the end of the archive. Pure functions over
// the archive's contents, so the archive service (archive.h), its tests and the API share them.
//
// Contracts:
//  - A restore to lsn T holds exactly the records 1..T; to time T exactly the records committed
//    at or before T (commit times never decrease along the WAL, db_node.h), and only when the
//    archive holds a later record, which proves that nothing else committed by T is missing.
//  - WAL continuity: the records from the base backup to the target must all be archived. A gap
//    (or an archive ending before the target) fails the restore loudly, naming the first missing
//    lsn; it never restores less than asked. The known-bug switch `bug_silent_gap` instead stops
//    at the gap and reports success (dr-bug-pitr-silent-gap).
//  - An incremental backup whose chain (parents down to a full backup, at most kMaxChain) is not
//    all in the archive fails the restore loudly.
//  - verify_backups: every base backup, with its chain, must equal the replay of the archived WAL
//    up to its lsn.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "system/dr/db_node.h"

namespace fl::dr {

using Table = std::map<std::string, std::string>;

// A full backup's table holds the effect of records 1..lsn; an incremental one (parent_lsn > 0)
// only the keys written in (parent_lsn, lsn], restored on top of the backup at parent_lsn.
struct BaseBackup {
  static constexpr int kMaxChain = 64;  // incrementals restored on top of one full backup

  std::int64_t lsn = 0;
  std::int64_t timeline = 0;
  std::int64_t commit_ns = 0;  // of record lsn (0 when lsn == 0)
  Table table;
  std::int64_t parent_lsn = 0;  // 0: full
};
nlohmann::json base_to_json(const BaseBackup& base);
std::optional<BaseBackup> base_from_json(const nlohmann::json& j);

// A run of archived records with consecutive lsns (one archive object).
using Segment = std::vector<WalRecord>;

struct RestoreTarget {
  enum class Kind : std::uint8_t { kLsn, kTime, kLatest };
  Kind kind = Kind::kLatest;
  std::int64_t value = 0;  // the lsn or the commit time (ns); unused for kLatest
};

struct RestoreOutcome {
  std::string error;     // "" when restored
  std::int64_t lsn = 0;  // the last record applied
  std::int64_t commit_ns = 0;
  std::int64_t base_lsn = 0;  // the base backup restored from (0: none, replay from lsn 1)
  Table table;
};

// REQUIRES: each segment's records have consecutive lsns.
RestoreOutcome restore(const std::vector<BaseBackup>& bases, const std::vector<Segment>& segments,
                       const RestoreTarget& target, bool bug_silent_gap);

// The last lsn archived without a gap from lsn 1, and its record's timeline (0, 0 when none).
struct ArchiveEnd {
  std::int64_t lsn = 0, timeline = 0;
};
ArchiveEnd archive_end(const std::vector<Segment>& segments);

// One problem per base backup that does not equal the replay of the archive up to its lsn.
std::vector<std::string> verify_backups(const std::vector<BaseBackup>& bases,
                                        const std::vector<Segment>& segments);

}  // namespace fl::dr
