// The sync server (sync_server.h).
#include "system/sync/sync_server.h"

#include <cstdio>

#include "system/io/assert.h"
#include "system/saga/txn.h"

namespace fl::sync {
namespace {

using saga::TxnAction;

std::string region_for(io::Env& env, const SyncOptions& o) {
  return o.region.empty() ? region_of_node(env.tasks.node_name()) : o.region;
}

std::string hex(std::uint64_t v) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(v));
  return out;
}

Json change_reply(const std::string& id, const MergeOutcome& m) {
  return {{"entity_id", id},
          {"crdt_type", type_name(m.state.type)},
          {"value", value_of(m.state)},
          {"version_vector", vv_json(m.state.context)},
          {"changed", m.changed}};
}

}  // namespace

SyncServer::SyncServer(io::Env& env, SyncOptions options)
    : env_(env),
      options_(std::move(options)),
      region_(region_for(env, options_)),
      tables_(region_) {
  FL_ASSERT(env.sql != nullptr);
  FL_ASSERT(options_.peers.size() <= kMaxPeers);
  FL_ASSERT(options_.anti_entropy_interval_ns > 0 && options_.peer_timeout_ns > 0);
  FL_ASSERT(options_.replicate_page >= 1 && options_.replicate_page <= kMaxPageChanges);
}

io::Status SyncServer::start() {
  if (io::Status s = saga::create_tables(*env_.sql, env_.clock, tables_.schemas()); !s.is_ok()) {
    return s;
  }
  const std::int64_t incarnation = static_cast<std::int64_t>(env_.tasks.incarnation());
  io::Status recorded = saga::run_transaction(
      *env_.sql, env_.clock, io::Isolation::kReadCommitted,
      [&](io::SqlTransaction& tx) -> io::Result<TxnAction> {
        if (io::Status s = tx.upsert(kRegionsTable, {region_, incarnation}); !s.is_ok()) return s;
        return TxnAction::kCommit;
      });
  if (!recorded.is_ok()) return recorded;
  for (const std::string& peer : options_.peers) {
    env_.tasks.spawn("anti-entropy " + peer, [this, peer] { anti_entropy(peer); });
  }
  return io::Status::ok();
}

io::Result<bool> SyncServer::register_device(const std::string& device_id,
                                             const std::string& user_id) {
  FL_ASSERT(valid_entity_id(device_id) && valid_entity_id(user_id));
  if (!valid_actor(device_id + "@" + region_)) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "device_id too long: '<device_id>@" + region_ + "' must fit in " +
                                  std::to_string(kMaxActorBytes) + " bytes");
  }
  return saga::transact<bool>(
      *env_.sql, env_.clock, [&](io::SqlTransaction& tx) -> io::Result<bool> {
        SyncTxn txn(tables_, tx);
        auto known = txn.device(device_id);
        if (!known.is_ok()) return known.status();
        if (known.value()) {
          if (known.value()->user_id == user_id) return false;
          return io::Status::failed(io::ErrorKind::kConstraint,
                                    "device " + device_id + " is registered to another user");
        }
        if (io::Status s = txn.put_device({device_id, user_id, 0, ""}, true); !s.is_ok()) return s;
        return true;
      });
}

io::Result<CrdtState> SyncServer::apply_ops(SyncTxn& txn, const UploadChange& change,
                                            const std::string& device_id) {
  auto stored = txn.entity(change.entity_id);
  if (!stored.is_ok()) return stored.status();
  CrdtState state = stored.value() ? stored.value()->state : empty_state(change.type);
  if (state.type != change.type) {
    return io::Status::failed(io::ErrorKind::kConstraint, "entity " + change.entity_id + " is a " +
                                                              type_name(state.type) + ", not a " +
                                                              type_name(change.type));
  }
  if (auto seen = max_hlc(state)) hlc_.observe(*seen);
  const std::string actor = device_id + "@" + region_;
  if (!valid_actor(actor)) {  // a device registered elsewhere, or before the limit was checked
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "device_id too long for an actor id ('" + device_id.substr(0, 16) +
                                  "...@" + region_ + "' exceeds " + std::to_string(kMaxActorBytes) +
                                  " bytes)");
  }
  for (const CrdtOp& op : change.ops) {
    if (op.timestamp_ms) hlc_.observe({*op.timestamp_ms, 0});
    const Hlc stamp = hlc_.tick(env_.clock.wall_ns() / io::kNsPerMs);
    Applied applied;
    if (std::string e = apply_op(&state, op, actor, stamp, options_.rules.crdt, &applied);
        !e.empty()) {
      return io::Status::failed(io::ErrorKind::kInvalidArgument,
                                "entity " + change.entity_id + ": " + e);
    }
  }
  return state;
}

io::Result<Json> SyncServer::upload_once(io::SqlTransaction& tx, const UploadRequest& req) {
  SyncTxn txn(tables_, tx);
  auto device = txn.device(req.device_id);
  if (!device.is_ok()) return device.status();
  if (!device.value()) {
    return io::Status::failed(io::ErrorKind::kNotFound,
                              "unknown device " + req.device_id + ": register it first");
  }
  DeviceRow row = *device.value();
  if (req.seq && *req.seq == row.last_upload_seq && !row.last_upload_response.empty()) {
    Json replay = Json::parse(row.last_upload_response, nullptr, false);
    if (replay.is_object()) {
      replay["replayed"] = true;
      return replay;
    }
  }
  if (req.seq && *req.seq < row.last_upload_seq) {
    return io::Status::failed(io::ErrorKind::kConstraint, "upload seq " + std::to_string(*req.seq) +
                                                              " is older than the last applied (" +
                                                              std::to_string(row.last_upload_seq) +
                                                              ")");
  }
  Json changes = Json::array();
  for (const UploadChange& change : req.changes) {
    io::Result<CrdtState> incoming =
        change.state ? io::Result<CrdtState>(*change.state) : apply_ops(txn, change, req.device_id);
    if (!incoming.is_ok()) return incoming.status();
    const std::string origin = change.state ? req.device_id : "";
    auto merged = txn.merge_into(change.entity_id, incoming.value(), origin, options_.rules);
    if (!merged.is_ok()) return merged.status();
    if (!merged.value().refused.empty()) return merged.value().refusal();
    changes.push_back(change_reply(change.entity_id, merged.value()));
  }
  Json reply = {{"device_id", req.device_id},
                {"region", region_},
                {"seq", req.seq ? Json(*req.seq) : Json()},
                {"changes", changes},
                {"replayed", false}};
  if (req.seq) {
    row.last_upload_seq = *req.seq;
    row.last_upload_response = reply.dump();
    if (io::Status s = txn.put_device(row, false); !s.is_ok()) return s;
  }
  return reply;
}

io::Result<Json> SyncServer::upload(const UploadRequest& req) {
  FL_ASSERT(req.changes.size() <= kMaxChangesPerUpload);
  auto reply = saga::transact<Json>(*env_.sql, env_.clock,
                                    [&](io::SqlTransaction& tx) { return upload_once(tx, req); });
  if (reply.is_ok()) {
    ++stats_.uploads;
    if (reply.value().value("replayed", false)) ++stats_.replays;
    for (const Json& c : reply.value()["changes"]) {
      if (c["changed"].get<bool>()) {
        ++stats_.merged;
      } else {
        ++stats_.skipped;
      }
    }
  }
  return reply;
}

io::Result<WirePage> SyncServer::page_after(std::int64_t since, std::size_t limit,
                                            const std::string& skip) {
  FL_ASSERT(limit >= 1 && limit <= kMaxPageChanges);
  return saga::read_only<WirePage>(*env_.sql, [&](io::SqlTransaction& tx) -> io::Result<WirePage> {
    SyncTxn txn(tables_, tx);
    auto rows = txn.changed_since(since, limit);
    if (!rows.is_ok()) return rows.status();
    WirePage page{region_, {}, since, rows.value().size() == limit};
    std::size_t bytes = 0;
    for (EntityRow& row : rows.value()) {
      const std::size_t size = canonical(row.state).size();
      if (!page.changes.empty() && bytes + size > kMaxPageBytes) {
        page.has_more = true;  // the rest comes with the next page, from this cursor
        break;
      }
      page.cursor = row.seq;
      if (!skip.empty() && row.origin == skip) continue;  // the device holds exactly this
      bytes += size;
      page.changes.push_back({row.entity_id, std::move(row.state), row.seq});
    }
    return page;
  });
}

io::Result<WirePage> SyncServer::download(const std::string& device_id, std::int64_t since,
                                          std::size_t limit) {
  auto device = saga::read_only<std::optional<DeviceRow>>(
      *env_.sql, [&](io::SqlTransaction& tx) { return SyncTxn(tables_, tx).device(device_id); });
  if (!device.is_ok()) return device.status();
  if (!device.value()) {
    return io::Status::failed(io::ErrorKind::kNotFound,
                              "unknown device " + device_id + ": register it first");
  }
  return page_after(since, limit, device_id);
}

io::Result<WirePage> SyncServer::replicate(std::int64_t since, std::size_t limit) {
  return page_after(since, limit, "");
}

io::Result<std::vector<EntityRow>> SyncServer::entities(const std::string& after,
                                                        std::size_t limit) {
  return saga::read_only<std::vector<EntityRow>>(*env_.sql, [&](io::SqlTransaction& tx) {
    return SyncTxn(tables_, tx).entities_after(after, limit);
  });
}

io::Result<std::optional<EntityRow>> SyncServer::entity(const std::string& entity_id) {
  return saga::read_only<std::optional<EntityRow>>(
      *env_.sql, [&](io::SqlTransaction& tx) { return SyncTxn(tables_, tx).entity(entity_id); });
}

io::Result<Digest> SyncServer::digest() {
  constexpr std::size_t kPage = 1000;
  return saga::read_only<Digest>(*env_.sql, [&](io::SqlTransaction& tx) -> io::Result<Digest> {
    SyncTxn txn(tables_, tx);
    Digest d{region_, 0, "", 0};
    auto last = txn.last_seq();
    if (!last.is_ok()) return last.status();
    d.last_seq = last.value();
    std::string text, after;
    for (std::size_t pages = 0; pages <= kMaxDigestEntities / kPage; ++pages) {
      auto rows = txn.entities_after(after, kPage);
      if (!rows.is_ok()) return rows.status();
      for (const EntityRow& r : rows.value())
        text += r.entity_id + "\t" + canonical(r.state) + "\n";
      d.entities += rows.value().size();
      if (rows.value().size() < kPage) {
        d.hash = hex(io::hash_bytes(text));
        return d;
      }
      after = rows.value().back().entity_id;
    }
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "more than " + std::to_string(kMaxDigestEntities) + " entities");
  });
}

void SyncServer::anti_entropy(const std::string& peer) {
  // One pull per interval (sooner while the peer has more): each is bounded by the page size and
  // the call's deadline; the loop ends with the node.
  for (;;) {
    bool more = false;
    if (!pull_once(peer, &more).is_ok()) ++stats_.pull_failures;
    env_.clock.sleep_ns(more ? 0 : options_.anti_entropy_interval_ns);
  }
}

io::Status SyncServer::pull_once(const std::string& peer, bool* more) {
  if (cursors_.count(peer) == 0) {
    auto c = saga::read_only<std::int64_t>(
        *env_.sql, [&](io::SqlTransaction& tx) { return SyncTxn(tables_, tx).peer_cursor(peer); });
    if (!c.is_ok()) return c.status();
    cursors_[peer] = c.value();
  }
  const std::int64_t since = cursors_[peer];
  const std::string path = "/api/v1/sync/replicate?since=" + std::to_string(since) +
                           "&limit=" + std::to_string(options_.replicate_page);
  auto called = env_.transport.call(peer, {"GET", path, "", {}},
                                    env_.clock.deadline_after_ns(options_.peer_timeout_ns));
  if (!called.is_ok()) return called.status();
  WirePage page;
  std::string error;
  const Json body = Json::parse(called.value().body, nullptr, false);
  if (called.value().status != 200 || !page_from_json(body, &page, &error) || page.cursor < since) {
    return io::Status::failed(
        io::ErrorKind::kUnavailable,
        "peer " + peer + ": " + std::to_string(called.value().status) + " " + error);
  }
  *more = page.has_more;
  if (page.changes.empty() && page.cursor == since) return io::Status::ok();  // nothing new
  io::Status s = saga::run_transaction(
      *env_.sql, env_.clock, io::Isolation::kRepeatableRead,
      [&](io::SqlTransaction& tx) -> io::Result<TxnAction> {
        SyncTxn txn(tables_, tx);
        for (const WireChange& c : page.changes) {
          // A refused join (an entity of another type, or over a limit) keeps ours: the peer's
          // copy stays there, and the digests differ and show it.
          auto merged = txn.merge_into(c.entity_id, c.state, "", options_.rules);
          if (!merged.is_ok()) return merged.status();
        }
        if (io::Status st = txn.set_peer_cursor(peer, page.cursor); !st.is_ok()) return st;
        return TxnAction::kCommit;
      });
  if (s.is_indeterminate()) cursors_.erase(peer);  // re-read the cursor: it may have moved
  if (!s.is_ok()) return s;
  cursors_[peer] = page.cursor;
  ++stats_.pulls;
  stats_.pulled_changes += page.changes.size();
  return io::Status::ok();
}

}  // namespace fl::sync
