// The device client library (device.h).
#include "system/sync/device.h"

#include <cstdio>

#include "system/io/assert.h"
#include "system/sync/sync_server.h"

namespace fl::sync {
namespace {

io::Status local_failure(const io::Status& s) {
  return io::Status::failed(io::ErrorKind::kUnavailable, "local store: " + s.to_string());
}

// A reply that is not what the protocol promises: the server is not a (correct) sync server.
io::Status bad_reply(const std::string& server, const io::Response& r, const std::string& what) {
  return io::Status::failed(
      io::ErrorKind::kUnavailable,
      server + ": " + std::to_string(r.status) + " " + what + ": " + r.body.substr(0, 200));
}

io::ErrorKind kind_of_http(int status) {
  if (status == 404) return io::ErrorKind::kNotFound;
  if (status == 409) return io::ErrorKind::kConstraint;
  if (status >= 400 && status < 500) return io::ErrorKind::kInvalidArgument;
  return io::ErrorKind::kUnavailable;
}

}  // namespace

Device::Device(io::Env& env, io::LocalStore& store, DeviceOptions options)
    : env_(env), store_(store), options_(std::move(options)) {
  FL_ASSERT(valid_actor(options_.device_id) && valid_entity_id(options_.device_id));
  FL_ASSERT(valid_entity_id(options_.user_id));
  FL_ASSERT(options_.download_page >= 1 && options_.download_page <= kMaxPageChanges);
  FL_ASSERT(options_.upload_batch >= 1 && options_.upload_batch <= kMaxChangesPerUpload);
  FL_ASSERT(options_.call_timeout_ns > 0);
}

io::LocalWrite Device::meta_write() const {
  const Json meta = {{"user_id", options_.user_id},
                     {"upload_seq", meta_.upload_seq},
                     {"cursors", meta_.cursors},
                     {"registered", meta_.registered}};
  return {key("meta"), meta.dump()};
}

io::LocalWrite Device::entity_write(const std::string& id) const {
  const auto d = dirty_.find(id);
  const Json record = {{"state", to_json(replica_.at(id))},
                       {"dirty", d == dirty_.end() ? 0 : d->second}};
  return {key("e/" + id), record.dump()};
}

io::Status Device::recover() {
  FL_ASSERT(!recovered_);
  auto meta = store_.get(key("meta"));
  if (!meta.is_ok()) return local_failure(meta.status());
  if (meta.value()) {
    const Json m = Json::parse(*meta.value(), nullptr, false);
    if (!m.is_object()) return io::Status::failed(io::ErrorKind::kInternal, "corrupt device meta");
    meta_.upload_seq = m.value("upload_seq", std::int64_t{0});
    meta_.cursors = m.value("cursors", std::map<std::string, std::int64_t>{});
    meta_.registered = m.value("registered", std::set<std::string>{});
  }
  auto rows = store_.scan(key("e/"), kMaxDeviceEntities + 1);
  if (!rows.is_ok()) return local_failure(rows.status());
  if (rows.value().size() > kMaxDeviceEntities) {
    return io::Status::failed(io::ErrorKind::kInternal, "more than kMaxDeviceEntities entities");
  }
  for (const auto& [k, v] : rows.value()) {
    const std::string id = k.substr(key("e/").size());
    const Json record = Json::parse(v, nullptr, false);
    std::string error;
    auto state = record.is_object() && record.contains("state")
                     ? state_from_json(record["state"], &error)
                     : std::nullopt;
    if (!state) return io::Status::failed(io::ErrorKind::kInternal, "corrupt entity " + id);
    if (auto seen = max_hlc(*state)) hlc_.observe(*seen);
    const std::int64_t gen = record.value("dirty", std::int64_t{0});
    if (gen > 0) dirty_[id] = gen;
    generation_ = std::max(generation_, gen);
    replica_[id] = std::move(*state);
  }
  recovered_ = true;
  return io::Status::ok();
}

io::Result<EditResult> Device::edit(const std::string& entity_id, CrdtType type, const CrdtOp& op) {
  FL_ASSERT(recovered_);
  FL_ASSERT(valid_entity_id(entity_id));
  const auto it = replica_.find(entity_id);
  if (it == replica_.end() && replica_.size() >= kMaxDeviceEntities) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "too many entities on the device");
  }
  CrdtState next = it == replica_.end() ? empty_state(type) : it->second;
  if (next.type != type) {
    return io::Status::failed(
        io::ErrorKind::kConstraint,
        "entity " + entity_id + " is a " + type_name(next.type) + ", not a " + type_name(type));
  }
  const std::int64_t wall_ms = env_.clock.wall_ns() / io::kNsPerMs;
  const Hlc stamp = options_.bug_wall_clock ? wall_clock_stamp(wall_ms) : hlc_.tick(wall_ms);
  EditResult out{entity_id, {}, {}, stamp};
  if (std::string e = apply_op(&next, op, options_.device_id, stamp, options_.bugs, &out.applied);
      !e.empty()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, e);
  }
  CrdtState before = it == replica_.end() ? empty_state(type) : it->second;
  const bool was_dirty = dirty_.count(entity_id) > 0;
  const std::int64_t old_gen = was_dirty ? dirty_[entity_id] : 0;
  replica_[entity_id] = next;
  dirty_[entity_id] = ++generation_;
  io::Status s = store_.write({entity_write(entity_id)});
  if (!s.is_ok()) {  // nothing changed: put memory back as it was
    replica_[entity_id] = std::move(before);
    if (it == replica_.end()) replica_.erase(entity_id);
    if (was_dirty) {
      dirty_[entity_id] = old_gen;
    } else {
      dirty_.erase(entity_id);
    }
    return local_failure(s);
  }
  out.state = std::move(next);
  return out;
}

ReadResult Device::read(const std::string& entity_id) const {
  const auto it = replica_.find(entity_id);
  if (it == replica_.end()) return {};
  return {true, it->second};
}

std::size_t Device::dirty() const { return dirty_.size(); }

std::string Device::digest() const {
  std::string text;
  for (const auto& [id, state] : replica_) text += id + "\t" + canonical(state) + "\n";
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(io::hash_bytes(text)));
  return out;
}

io::Result<io::Response> Device::call(const std::string& server, const io::Request& request) {
  return env_.transport.call(server, request,
                             env_.clock.deadline_after_ns(options_.call_timeout_ns));
}

io::Status Device::ensure_registered(const std::string& server) {
  if (meta_.registered.count(server) > 0) return io::Status::ok();
  const Json body = {{"device_id", options_.device_id}, {"user_id", options_.user_id}};
  auto r = call(server, {"POST", "/api/v1/sync/register-device", body.dump(), {}});
  if (!r.is_ok()) return r.status();
  if (r.value().status != 200 && r.value().status != 201) {
    return io::Status::failed(
        kind_of_http(r.value().status),
        server + " refused the registration: " + r.value().body.substr(0, 200));
  }
  meta_.registered.insert(server);
  io::Status s = store_.write({meta_write()});
  if (!s.is_ok()) {
    meta_.registered.erase(server);  // registered there, but we do not know it durably: again
    return local_failure(s);
  }
  return io::Status::ok();
}

io::Result<SyncResult> Device::sync(const std::string& server) {
  FL_ASSERT(recovered_);
  if (syncing_) {
    const std::int64_t ms = (env_.clock.monotonic_ns() - sync_started_ns_) / io::kNsPerMs;
    return io::Status::failed(
        io::ErrorKind::kUnavailable,
        std::string(kSyncInProgress) + " (" + sync_step_ + " for " + std::to_string(ms) + " ms)");
  }
  syncing_ = true;
  sync_started_ns_ = env_.clock.monotonic_ns();
  sync_step_ = "registering with " + server;
  SyncResult result{server};
  io::Status s = ensure_registered(server);
  if (s.is_ok()) {
    sync_step_ = "uploading to " + server;
    s = upload(server, &result);
  }
  if (s.is_ok()) {
    sync_step_ = "downloading from " + server;
    s = download(server, &result);
  }
  syncing_ = false;
  if (!s.is_ok()) return s;
  return result;
}

io::Status Device::upload(const std::string& server, SyncResult* result) {
  std::vector<std::string> pending;
  for (const auto& [id, gen] : dirty_) pending.push_back(id);
  const std::size_t step = options_.upload_batch;
  for (std::size_t at = 0; at < pending.size() && at / step < kMaxUploadBatchesPerSync;
       at += step) {
    const std::size_t end = std::min(pending.size(), at + step);
    const std::vector<std::string> ids(pending.begin() + static_cast<std::ptrdiff_t>(at),
                                       pending.begin() + static_cast<std::ptrdiff_t>(end));
    if (io::Status s = upload_batch(server, ids, result); !s.is_ok()) return s;
  }
  return io::Status::ok();
}

io::Status Device::upload_batch(const std::string& server, const std::vector<std::string>& ids,
                                SyncResult* result) {
  // A fresh sequence number, durable before it is used: a crash never sends two batches under
  // one number (the server would answer the second with the first one's reply).
  ++meta_.upload_seq;
  if (io::Status s = store_.write({meta_write()}); !s.is_ok()) return local_failure(s);
  Json changes = Json::array();
  std::map<std::string, std::int64_t> sent;  // entity -> the generation uploaded
  for (const std::string& id : ids) {
    if (dirty_.count(id) == 0) continue;  // cleaned meanwhile
    sent[id] = dirty_[id];
    const CrdtState& s = replica_.at(id);
    changes.push_back({{"entity_id", id}, {"crdt_type", type_name(s.type)}, {"state", to_json(s)}});
  }
  const Json body = {
      {"device_id", options_.device_id}, {"seq", meta_.upload_seq}, {"changes", changes}};
  auto r = call(server, {"POST", "/api/v1/sync/upload", body.dump(), {}});
  if (!r.is_ok()) return r.status();
  if (r.value().status == 404) meta_.registered.erase(server);  // register again next time
  if (r.value().status != 200) {
    return io::Status::failed(kind_of_http(r.value().status),
                              server + " refused the upload: " + r.value().body.substr(0, 200));
  }
  io::LocalBatch cleaned;
  for (const auto& [id, gen] : sent) {
    const auto d = dirty_.find(id);
    if (d == dirty_.end() || d->second != gen) continue;  // edited meanwhile: still dirty
    dirty_.erase(d);
    cleaned.push_back(entity_write(id));
  }
  if (io::Status s = store_.write(cleaned); !s.is_ok()) return local_failure(s);
  result->uploaded += sent.size();
  return io::Status::ok();
}

io::Status Device::download(const std::string& server, SyncResult* result) {
  for (std::size_t pages = 0; pages < kMaxDownloadPagesPerSync; ++pages) {
    const std::int64_t since = meta_.cursors.count(server) ? meta_.cursors[server] : 0;
    const std::string path = "/api/v1/sync/download?device_id=" + options_.device_id +
                             "&since=" + std::to_string(since) +
                             "&limit=" + std::to_string(options_.download_page);
    auto r = call(server, {"GET", path, "", {}});
    if (!r.is_ok()) return r.status();
    if (r.value().status == 404) meta_.registered.erase(server);
    if (r.value().status != 200) {
      return io::Status::failed(kind_of_http(r.value().status),
                                server + " refused the download: " + r.value().body.substr(0, 200));
    }
    WirePage page;
    std::string error;
    const Json body = Json::parse(r.value().body, nullptr, false);
    if (!page_from_json(body, &page, &error) || page.cursor < since) {
      return bad_reply(server, r.value(), "malformed page (" + error + ")");
    }
    if (io::Status s = apply_page(server, page, result); !s.is_ok()) return s;
    if (!page.has_more) return io::Status::ok();
  }
  return io::Status::failed(
      io::ErrorKind::kUnavailable,
      "download: more than " + std::to_string(kMaxDownloadPagesPerSync) + " pages in one sync");
}

io::Status Device::apply_page(const std::string& server, const WirePage& page, SyncResult* result) {
  std::map<std::string, CrdtState> changed;
  for (const WireChange& c : page.changes) {
    const auto it = replica_.find(c.entity_id);
    const CrdtState& mine = changed.count(c.entity_id) ? changed[c.entity_id]
                            : it != replica_.end()     ? it->second
                                                       : empty_state(c.state.type);
    if (mine.type != c.state.type) continue;  // a type conflict: keep ours (the server's stays)
    CrdtState joined = merge(mine, c.state, options_.bugs);
    if (joined == mine && it != replica_.end()) continue;
    changed[c.entity_id] = std::move(joined);
  }
  if (replica_.size() + changed.size() > kMaxDeviceEntities) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "too many entities on the device");
  }
  std::map<std::string, CrdtState> before;
  for (auto& [id, state] : changed) {
    if (replica_.count(id)) before[id] = replica_[id];
    replica_[id] = state;
  }
  const std::int64_t old_cursor = meta_.cursors.count(server) ? meta_.cursors[server] : 0;
  if (changed.empty() && page.cursor == old_cursor) {  // nothing new: nothing to write
    result->downloaded += page.changes.size();
    ++result->pages;
    return io::Status::ok();
  }
  meta_.cursors[server] = page.cursor;
  io::LocalBatch batch{meta_write()};
  for (const auto& [id, state] : changed) batch.push_back(entity_write(id));
  if (io::Status s = store_.write(batch); !s.is_ok()) {  // nothing of the page counts
    meta_.cursors[server] = old_cursor;
    for (const auto& [id, state] : changed) {
      if (before.count(id)) {
        replica_[id] = before[id];
      } else {
        replica_.erase(id);
      }
    }
    return local_failure(s);
  }
  for (const auto& [id, state] : changed) {
    if (auto seen = max_hlc(state)) hlc_.observe(*seen);
  }
  result->downloaded += page.changes.size();
  result->merged += changed.size();
  ++result->pages;
  return io::Status::ok();
}

}  // namespace fl::sync
