// ArchiveStore: the backup repository (what pgBackRest keeps in its repo or an object store):
// WAL segments and base backups as objects on the archive node's own disk, and restores from
// them (pitr.h). Like an object store it stores what it is given: keeping the archive gap-free
// is the archiver's job (archiver.h), detecting a gap is the restore's. Runs as the service of
// node `kArchiveNode`; the simulator kills, pauses and partitions it like any node.
//
// Routes (JSON bodies; 400 for malformed input, 404 for unknown routes):
//  - GET /archive/end: {"lsn", "timeline"}: the last record archived without a gap from lsn 1;
//  - POST /archive/wal {"records": [...]}: one segment, 1..kMaxSegmentRecords records with
//    consecutive lsns, stored under its first lsn (a later segment with the same first lsn
//    replaces it; archivers only ever resend the same records);
//  - POST /archive/base {lsn, timeline, commit_ns, table}: a base backup;
//  - GET /archive/backups: {"backups": [{lsn, timeline, commit_ns, parent_lsn, keys}], "end",
//    "problems"} (parent_lsn 0: a full backup)
//    (problems: verify_backups);
//  - POST /archive/restore {"target_lsn": n} | {"target_time": ns} | {"latest": true}:
//    200 {lsn, commit_ns, base_lsn, table} or 409 {"error"} when the archive cannot reach it.
// A failed disk read or write answers 503 (nothing is half-written: one object per write).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "system/dr/pitr.h"
#include "system/io/env.h"

namespace fl::dr {

inline const char* const kArchiveNode = "archive";

class ArchiveStore {
 public:
  static constexpr std::size_t kMaxSegmentRecords = 256;
  static constexpr std::size_t kMaxObjects = 20000;  // segments or base backups (scan limit)

  // REQUIRES: env.local (the repository is the node's own disk).
  ArchiveStore(io::Env& env, bool bug_silent_gap);
  io::Response handle(const io::Request& request);

 private:
  io::Response put_segment(const io::Request& request);
  io::Response put_base(const io::Request& request);
  io::Response end();
  io::Response backups();
  io::Response restore_to(const io::Request& request);
  // Reads the disk into memory once per incarnation (recovery); false if the disk refused.
  bool load();
  std::vector<Segment> segments() const;
  std::vector<BaseBackup> bases() const;

  io::Env& env_;
  bool bug_silent_gap_;
  bool loaded_ = false;
  // What the disk holds, by first lsn; updated after each successful write.
  std::map<std::int64_t, Segment> segments_;
  std::map<std::int64_t, BaseBackup> bases_;
};

}  // namespace fl::dr
