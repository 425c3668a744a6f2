#include "system/dr/db_node.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "system/dr/json_reply.h"
#include "system/io/assert.h"

namespace fl::dr {
namespace {

using nlohmann::json;

std::string wal_key(std::int64_t lsn) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "wal/%016" PRId64, lsn);
  return buf;
}

}  // namespace

json record_to_json(const WalRecord& r) {
  return json{{"lsn", r.lsn},
              {"timeline", r.timeline},
              {"key", r.key},
              {"value", r.value},
              {"commit_ns", r.commit_ns}};
}

std::optional<WalRecord> record_from_json(const json& j) {
  if (!j.is_object() || !j.contains("lsn") || !j.contains("timeline") || !j.contains("key") ||
      !j.contains("value") || !j["lsn"].is_number_integer() || !j["timeline"].is_number_integer() ||
      !j["key"].is_string() || !j["value"].is_string() ||
      !j.value("commit_ns", json()).is_number_integer()) {
    return std::nullopt;
  }
  return WalRecord{j["lsn"].get<std::int64_t>(), j["timeline"].get<std::int64_t>(),
                   j["key"].get<std::string>(), j["value"].get<std::string>(),
                   j["commit_ns"].get<std::int64_t>()};
}

DbNode::DbNode(io::Env& env, DbOptions options) : env_(env), options_(options) {
  FL_ASSERT_MSG(env_.local != nullptr, "a database node needs its local disk");
  FL_ASSERT_LT(0, options_.pull_interval_ns);
}

void DbNode::start() {
  auto scanned = env_.local->scan("wal/", io::kMaxLocalScan);
  FL_ASSERT_MSG(scanned.is_ok(), scanned.status().to_string());
  for (const auto& [key, text] : scanned.value()) {
    auto record = record_from_json(json::parse(text, nullptr, false));
    FL_ASSERT_MSG(record.has_value(), "corrupt WAL record " + key);
    FL_ASSERT_EQ(record->lsn, last_lsn() + 1);
    wal_.push_back(*record);
  }
  env_.tasks.spawn("db-replication", [this] {
    for (;;) {
      env_.clock.sleep_ns(options_.pull_interval_ns);
      if (role_ == Role::kReplica && !following_.empty()) pull_once();
    }
  });
}

bool DbNode::append(const WalRecord& record) {
  FL_ASSERT_EQ(record.lsn, last_lsn() + 1);
  if (wal_.size() >= kMaxWalRecords) return false;
  const io::Status s = env_.local->write({{wal_key(record.lsn), record_to_json(record).dump()}});
  if (!s.is_ok()) return false;
  wal_.push_back(record);
  return true;
}

bool DbNode::truncate_last() {
  FL_ASSERT_LT(0, last_lsn());
  const io::Status s = env_.local->write({{wal_key(last_lsn()), std::nullopt}});
  if (!s.is_ok()) return false;
  wal_.pop_back();
  return true;
}

std::int64_t DbNode::timeline_at(std::int64_t lsn) const {
  FL_ASSERT(lsn >= 1 && lsn <= last_lsn());
  return wal_[static_cast<std::size_t>(lsn - 1)].timeline;
}

bool DbNode::lease_valid() const {
  if (options_.bug_no_fencing) return true;
  return env_.clock.monotonic_ns() < valid_until_ns_;
}

void DbNode::promote(std::int64_t timeline, std::int64_t valid_until_ns) {
  for (const WalRecord& r : wal_) FL_ASSERT_LT(r.timeline, timeline);
  role_ = Role::kPrimary;
  timeline_ = timeline;
  valid_until_ns_ = valid_until_ns;
  following_.clear();
  sync_standby_.clear();
  replicas_.clear();
}

void DbNode::renew(std::int64_t valid_until_ns) {
  FL_ASSERT(role_ == Role::kPrimary);
  if (valid_until_ns > valid_until_ns_) valid_until_ns_ = valid_until_ns;
}

void DbNode::demote() {
  role_ = Role::kReplica;
  valid_until_ns_ = 0;
  following_.clear();
  sync_standby_.clear();
}

void DbNode::follow(const std::string& primary) {
  if (role_ == Role::kPrimary) demote();
  following_ = primary;
}

std::int64_t DbNode::flushed_of(const std::string& replica) const {
  auto it = replicas_.find(replica);
  return it == replicas_.end() ? 0 : it->second.flushed;
}

std::int64_t DbNode::last_pull_ns_of(const std::string& replica) const {
  auto it = replicas_.find(replica);
  return it == replicas_.end() ? 0 : it->second.pulled_at_ns;
}

std::int64_t DbNode::confirmed_lsn() const {
  if (!options_.synchronous) return last_lsn();
  if (sync_standby_.empty()) return 0;
  return std::min(flushed_of(sync_standby_), last_lsn());
}

std::vector<std::string> DbNode::replicas() const {
  std::vector<std::string> out;
  for (const auto& [name, position] : replicas_) out.push_back(name);
  return out;
}

io::Response DbNode::handle(const io::Request& request) {
  const std::string path = request.path.substr(0, request.path.find('?'));
  if (request.method == "POST" && path == "/db/write") return write(request);
  if (request.method == "GET" && path == "/db/keys") return keys();
  if (request.method == "POST" && path == "/db/wal") return serve_pull(request);
  return json_error(404, "no route " + request.method + " " + path);
}

bool DbNode::wait_for_standby(std::int64_t lsn, io::Deadline deadline) {
  for (;;) {
    if (!sync_standby_.empty() && flushed_of(sync_standby_) >= lsn) return true;
    if (env_.clock.remaining_ns(deadline) == 0) return false;
    env_.clock.sleep_ns(kSyncPollNs);
  }
}

io::Response DbNode::write(const io::Request& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("key") || !body["key"].is_string() ||
      !body.contains("value") || !body["value"].is_string() || !body.contains("timeline") ||
      !body["timeline"].is_number_integer()) {
    return json_error(400, "expected {\"key\": string, \"value\": string, \"timeline\": integer}");
  }
  const std::string key = body["key"].get<std::string>();
  const std::string value = body["value"].get<std::string>();
  if (key.empty() || key.size() > kMaxKeyBytes || value.size() > kMaxValueBytes) {
    return json_error(400, "key must be 1.." + std::to_string(kMaxKeyBytes) +
                               " bytes, value at most " + std::to_string(kMaxValueBytes));
  }
  if (role_ != Role::kPrimary || !lease_valid()) return json_error(503, "not the primary");
  const std::int64_t timeline = timeline_;
  if (body["timeline"].get<std::int64_t>() != timeline) {
    return json_error(409,
                      "stale timeline: the primary is on timeline " + std::to_string(timeline));
  }
  const std::int64_t previous_ns = wal_.empty() ? 0 : wal_.back().commit_ns;
  const WalRecord record{last_lsn() + 1, timeline, key, value,
                         std::max(env_.clock.wall_ns(), previous_ns)};
  if (!append(record)) return json_error(503, "the WAL is full or the disk refused");
  const bool wait = options_.synchronous && !options_.bug_ack_before_sync_standby;
  if (wait &&
      !wait_for_standby(record.lsn, env_.clock.deadline_after_ns(options_.write_timeout_ns))) {
    return json_error(504, "logged but not confirmed by the synchronous standby");
  }
  // Acknowledge only as the same primary, on the same timeline, within the lease.
  if (role_ != Role::kPrimary || timeline_ != timeline || !lease_valid()) {
    return json_error(504, "logged, but the lease ran out before it could be acknowledged");
  }
  return json_reply(200, json{{"lsn", record.lsn},
                              {"timeline", timeline},
                              {"commit_ns", record.commit_ns},
                              {"node", env_.tasks.node_name()}});
}

io::Response DbNode::keys() const {
  if (role_ != Role::kPrimary) return json_error(503, "not the primary");
  std::map<std::string, std::string> table;
  for (const WalRecord& r : wal_) table[r.key] = r.value;
  json out = json::object();
  for (const auto& [k, v] : table) out[k] = v;
  return json_reply(200, json{{"timeline", timeline_}, {"lsn", last_lsn()}, {"table", out}});
}

io::Response DbNode::serve_pull(const io::Request& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.value("node", json()).is_string() ||
      !body.value("last_lsn", json()).is_number_integer() ||
      !body.value("last_timeline", json()).is_number_integer()) {
    return json_error(400, "expected {\"node\", \"last_lsn\", \"last_timeline\"}");
  }
  if (role_ != Role::kPrimary) return json_error(503, "not the primary");
  const std::int64_t last = body["last_lsn"].get<std::int64_t>();
  if (last < 0) return json_error(400, "last_lsn < 0");
  if (last > last_lsn() || (last > 0 && timeline_at(last) != body["last_timeline"])) {
    return json_error(409, "diverged: rewind");
  }
  replicas_[body["node"].get<std::string>()] = ReplicaPosition{last, env_.clock.monotonic_ns()};
  json records = json::array();
  for (std::int64_t lsn = last + 1; lsn <= last_lsn() && records.size() < kMaxPullBatch; ++lsn) {
    records.push_back(record_to_json(wal_[static_cast<std::size_t>(lsn - 1)]));
  }
  return json_reply(200, json{{"records", records}});
}

void DbNode::pull_once() {
  const std::int64_t last = last_lsn();
  const json req{{"node", env_.tasks.node_name()},
                 {"last_lsn", last},
                 {"last_timeline", last > 0 ? timeline_at(last) : 0}};
  io::Request request;
  request.path = "/db/wal";
  request.body = req.dump();
  const std::string primary = following_;
  auto r = env_.transport.call(primary, request, env_.clock.deadline_after_ns(500 * io::kNsPerMs));
  if (!r.is_ok() || following_ != primary || role_ != Role::kReplica) return;
  if (r.value().status == 409) {
    if (last_lsn() == last && last > 0) (void)truncate_last();  // one step of the rewind
    return;
  }
  if (r.value().status != 200 || last_lsn() != last) return;
  const json body = json::parse(r.value().body, nullptr, false);
  if (!body.is_object() || !body.value("records", json()).is_array()) return;
  for (const json& j : body["records"]) {
    auto record = record_from_json(j);
    if (!record || record->lsn != last_lsn() + 1 || !append(*record)) return;
  }
}

}  // namespace fl::dr
