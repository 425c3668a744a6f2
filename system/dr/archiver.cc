#include "system/dr/archiver.h"

#include <algorithm>

#include "system/dr/archive.h"
#include "system/dr/pitr.h"
#include "system/io/assert.h"

namespace fl::dr {
namespace {

using nlohmann::json;

}  // namespace

Archiver::Archiver(io::Env& env, DbNode& db, ArchiverOptions options)
    : env_(env), db_(db), options_(options) {
  FL_ASSERT_LT(0, options_.interval_ns);
  FL_ASSERT_LT(0, options_.backup_interval_ns);
  FL_ASSERT_LT(0, options_.full_every);
}

void Archiver::start() {
  env_.tasks.spawn("archiver", [this] {
    for (;;) {
      env_.clock.sleep_ns(options_.interval_ns);
      tick();
    }
  });
}

bool Archiver::archived_end(std::int64_t* lsn) {
  if (options_.bug_silent_gap && sent_up_to_ >= 0) {
    *lsn = sent_up_to_;
    return true;
  }
  io::Request request;
  request.method = "GET";
  request.path = "/archive/end";
  auto r = env_.transport.call(kArchiveNode, request, env_.clock.deadline_after_ns(kCallTimeoutNs));
  if (!r.is_ok() || r.value().status != 200) return false;
  const json body = json::parse(r.value().body, nullptr, false);
  if (!body.is_object() || !body.value("lsn", json()).is_number_integer() ||
      !body.value("timeline", json()).is_number_integer()) {
    return false;
  }
  const std::int64_t end = body["lsn"].get<std::int64_t>();
  // Never archive on top of a record this node does not hold: the archive is one history.
  if (end < 0 || end > db_.last_lsn()) return false;
  if (end > 0 && db_.wal()[static_cast<std::size_t>(end - 1)].timeline != body["timeline"]) {
    return false;
  }
  *lsn = end;
  return true;
}

bool Archiver::send_segment(std::int64_t after, std::int64_t up_to) {
  FL_ASSERT(after < up_to && up_to <= db_.last_lsn());
  json records = json::array();
  for (std::int64_t lsn = after + 1; lsn <= up_to; ++lsn) {
    records.push_back(record_to_json(db_.wal()[static_cast<std::size_t>(lsn - 1)]));
  }
  io::Request request;
  request.path = "/archive/wal";
  request.body = json{{"records", records}}.dump();
  auto r = env_.transport.call(kArchiveNode, request, env_.clock.deadline_after_ns(kCallTimeoutNs));
  return r.is_ok() && r.value().status == 200;
}

void Archiver::send_base(std::int64_t lsn) {
  FL_ASSERT(0 < lsn && lsn <= db_.last_lsn());
  BaseBackup base;
  base.lsn = lsn;
  const bool full = last_backup_lsn_ == 0 || since_full_ + 1 >= options_.full_every;
  base.parent_lsn = full ? 0 : last_backup_lsn_;
  for (std::int64_t i = base.parent_lsn; i < lsn; ++i) {
    const WalRecord& r = db_.wal()[static_cast<std::size_t>(i)];
    base.table[r.key] = r.value;
  }
  base.timeline = db_.wal()[static_cast<std::size_t>(lsn - 1)].timeline;
  base.commit_ns = db_.wal()[static_cast<std::size_t>(lsn - 1)].commit_ns;
  io::Request request;
  request.path = "/archive/base";
  request.body = base_to_json(base).dump();
  auto r = env_.transport.call(kArchiveNode, request, env_.clock.deadline_after_ns(kCallTimeoutNs));
  if (!r.is_ok() || r.value().status != 200) return;
  last_backup_lsn_ = lsn;
  since_full_ = full ? 0 : since_full_ + 1;
}

void Archiver::tick() {
  if (db_.role() != Role::kPrimary) {
    sent_up_to_ = -1;      // a new term asks the archive again, even with the bug
    last_backup_lsn_ = 0;  // and starts with a full backup
    return;
  }
  std::int64_t end = 0;
  if (!archived_end(&end)) return;
  const std::int64_t now = env_.clock.monotonic_ns();
  if (end > last_backup_lsn_ && now - last_backup_ns_ >= options_.backup_interval_ns) {
    last_backup_ns_ = now;
    send_base(end);
  }
  const std::int64_t confirmed = std::min(db_.confirmed_lsn(), db_.last_lsn());
  if (confirmed <= end) return;
  const std::int64_t up_to =
      std::min(confirmed, end + static_cast<std::int64_t>(ArchiveStore::kMaxSegmentRecords));
  const bool sent = send_segment(end, up_to);
  if (options_.bug_silent_gap) sent_up_to_ = up_to;  // the bug: moves on whatever happened
  (void)sent;
}

}  // namespace fl::dr
