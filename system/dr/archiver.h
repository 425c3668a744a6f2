// Archiver: continuous WAL archiving and periodic full base backups from a database node to the
// archive (archive.h), what archive_command plus pgBackRest's scheduled backups do. One per node;
// it acts only while its node is primary.
//
// Contracts:
//  - Only confirmed records are archived (DbNode::confirmed_lsn: in synchronous mode those the
//    synchronous standby flushed), which no failover can lose, so whichever node archives them
//    they are the same records: the archive holds one history.
//  - Before every segment the archiver asks the archive where its gap-free WAL ends and sends
//    the records after that point, so a lost or timed-out upload is sent again and never leaves
//    a gap. It archives nothing on top of a record its own WAL does not hold (a diverged node).
//  - Every backup_interval it sends a base backup as of the archived end, which is therefore
//    restorable (verify_backups re-derives it from the archive): a full one (the whole table)
//    first in each term and then every full_every-th, else an incremental one (the keys written
//    since this term's last stored backup, its parent).
//  - Known bug `bug_silent_gap` (dr-bug-pitr-silent-gap): the archiver trusts its own count and
//    moves past a segment whose upload failed, leaving a gap (archive_command reporting success
//    on a failed copy).
#pragma once

#include <cstdint>
#include <string>

#include "system/dr/db_node.h"
#include "system/io/env.h"

namespace fl::dr {

struct ArchiverOptions {
  std::int64_t interval_ns = 200 * io::kNsPerMs;
  std::int64_t backup_interval_ns = 10 * io::kNsPerSec;
  int full_every = 3;  // 1: full backups only
  bool bug_silent_gap = false;
};

class Archiver {
 public:
  static constexpr std::int64_t kCallTimeoutNs = 500 * io::kNsPerMs;

  Archiver(io::Env& env, DbNode& db, ArchiverOptions options);
  // Starts the loop on its own fiber.
  void start();
  // One round (the loop's body).
  void tick();

 private:
  // The archive's gap-free end (the bug: this archiver's own count); false if unknown.
  bool archived_end(std::int64_t* lsn);
  bool send_segment(std::int64_t after, std::int64_t up_to);
  void send_base(std::int64_t lsn);

  io::Env& env_;
  DbNode& db_;
  ArchiverOptions options_;
  std::int64_t sent_up_to_ = -1;  // bug_silent_gap only: what it believes is archived
  std::int64_t last_backup_ns_ = 0;
  std::int64_t last_backup_lsn_ = 0;  // this term's last stored backup, 0: none
  int since_full_ = 0;                // incrementals stored since this term's last full one
};

}  // namespace fl::dr
