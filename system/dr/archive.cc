#include "system/dr/archive.h"

#include <cinttypes>
#include <cstdio>

#include "system/dr/json_reply.h"
#include "system/io/assert.h"

namespace fl::dr {
namespace {

using nlohmann::json;

std::string object_key(const char* kind, std::int64_t lsn) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s/%016" PRId64, kind, lsn);
  return buf;
}

}  // namespace

ArchiveStore::ArchiveStore(io::Env& env, bool bug_silent_gap)
    : env_(env), bug_silent_gap_(bug_silent_gap) {
  FL_ASSERT_MSG(env_.local != nullptr, "the archive needs its local disk");
}

io::Response ArchiveStore::handle(const io::Request& request) {
  const std::string path = request.path.substr(0, request.path.find('?'));
  if (request.method == "GET" && path == "/archive/end") return end();
  if (request.method == "POST" && path == "/archive/wal") return put_segment(request);
  if (request.method == "POST" && path == "/archive/base") return put_base(request);
  if (request.method == "GET" && path == "/archive/backups") return backups();
  if (request.method == "POST" && path == "/archive/restore") return restore_to(request);
  return json_error(404, "no route " + request.method + " " + path);
}

bool ArchiveStore::load() {
  if (loaded_) return true;
  auto wal = env_.local->scan("wal/", kMaxObjects);
  auto base = env_.local->scan("base/", kMaxObjects);
  if (!wal.is_ok() || !base.is_ok()) return false;
  for (const auto& [key, text] : wal.value()) {
    const json j = json::parse(text, nullptr, false);
    Segment s;
    for (const json& r : j.is_array() ? j : json::array()) {
      auto record = record_from_json(r);
      FL_ASSERT_MSG(record.has_value(), "corrupt archived segment " + key);
      s.push_back(*record);
    }
    FL_ASSERT_MSG(!s.empty(), "empty archived segment " + key);
    segments_[s.front().lsn] = std::move(s);
  }
  for (const auto& [key, text] : base.value()) {
    auto b = base_from_json(json::parse(text, nullptr, false));
    FL_ASSERT_MSG(b.has_value(), "corrupt base backup " + key);
    bases_[b->lsn] = std::move(*b);
  }
  loaded_ = true;
  return true;
}

std::vector<Segment> ArchiveStore::segments() const {
  std::vector<Segment> out;
  for (const auto& [first, s] : segments_) out.push_back(s);
  return out;
}

std::vector<BaseBackup> ArchiveStore::bases() const {
  std::vector<BaseBackup> out;
  for (const auto& [lsn, b] : bases_) out.push_back(b);
  return out;
}

io::Response ArchiveStore::put_segment(const io::Request& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.value("records", json()).is_array() || body["records"].empty() ||
      body["records"].size() > kMaxSegmentRecords) {
    return json_error(400,
                      "expected {\"records\": [1.." + std::to_string(kMaxSegmentRecords) + "]}");
  }
  Segment segment;
  for (const json& j : body["records"]) {
    auto r = record_from_json(j);
    if (!r || r->lsn < 1 || (!segment.empty() && r->lsn != segment.back().lsn + 1)) {
      return json_error(400, "records must be well-formed with consecutive lsns");
    }
    segment.push_back(*r);
  }
  if (!load()) return json_error(503, "disk refused the scan");
  const std::int64_t first = segment.front().lsn, previous = segment.back().lsn;
  const io::Status s = env_.local->write({{object_key("wal", first), body["records"].dump()}});
  if (!s.is_ok()) return json_error(503, "disk: " + s.to_string());
  segments_[first] = std::move(segment);
  return json_reply(200, json{{"first", first}, {"last", previous}});
}

io::Response ArchiveStore::put_base(const io::Request& request) {
  auto b = base_from_json(json::parse(request.body, nullptr, false));
  if (!b) return json_error(400, "expected {lsn, timeline, commit_ns, table}");
  if (!load()) return json_error(503, "disk refused the scan");
  const io::Status s = env_.local->write({{object_key("base", b->lsn), base_to_json(*b).dump()}});
  if (!s.is_ok()) return json_error(503, "disk: " + s.to_string());
  const std::int64_t lsn = b->lsn;
  bases_[lsn] = std::move(*b);
  return json_reply(200, json{{"lsn", lsn}});
}

io::Response ArchiveStore::end() {
  if (!load()) return json_error(503, "disk refused the scan");
  const ArchiveEnd e = archive_end(segments());
  return json_reply(200, json{{"lsn", e.lsn}, {"timeline", e.timeline}});
}

io::Response ArchiveStore::backups() {
  if (!load()) return json_error(503, "disk refused the scan");
  const std::vector<Segment> segments = this->segments();
  const std::vector<BaseBackup> bases = this->bases();
  json list = json::array();
  for (const BaseBackup& b : bases) {
    list.push_back(json{{"lsn", b.lsn},
                        {"timeline", b.timeline},
                        {"commit_ns", b.commit_ns},
                        {"parent_lsn", b.parent_lsn},
                        {"keys", b.table.size()}});
  }
  return json_reply(200, json{{"backups", list},
                              {"end", archive_end(segments).lsn},
                              {"problems", verify_backups(bases, segments)}});
}

io::Response ArchiveStore::restore_to(const io::Request& request) {
  const json body = json::parse(request.body, nullptr, false);
  RestoreTarget t;
  if (body.is_object() && body.value("target_lsn", json()).is_number_integer()) {
    t = {RestoreTarget::Kind::kLsn, body["target_lsn"].get<std::int64_t>()};
  } else if (body.is_object() && body.value("target_time", json()).is_number_integer()) {
    t = {RestoreTarget::Kind::kTime, body["target_time"].get<std::int64_t>()};
  } else if (!body.is_object() || body.value("latest", json()) != json(true)) {
    return json_error(
        400, "expected {\"target_lsn\": n} or {\"target_time\": ns} or {\"latest\": true}");
  }
  if (t.value < 0) return json_error(400, "a target must be >= 0");
  if (!load()) return json_error(503, "disk refused the scan");
  const std::vector<Segment> segments = this->segments();
  const std::vector<BaseBackup> bases = this->bases();
  const RestoreOutcome r = restore(bases, segments, t, bug_silent_gap_);
  if (!r.error.empty()) return json_error(409, r.error);
  json table = json::object();
  for (const auto& [k, v] : r.table) table[k] = v;
  return json_reply(
      200,
      json{{"lsn", r.lsn}, {"commit_ns", r.commit_ns}, {"base_lsn", r.base_lsn}, {"table", table}});
}

}  // namespace fl::dr
