// The sync server's tables (sync_store.h).
#include "system/sync/sync_store.h"

#include "system/io/assert.h"

namespace fl::sync {
namespace {

using io::ColumnType;

enum EntityCol : std::size_t { kEntityId, kEntityType, kEntityState, kEntitySeq, kEntityOrigin };
enum DeviceCol : std::size_t { kDeviceId, kDeviceUser, kDeviceSeq, kDeviceResponse };
constexpr const char* kNextSeq = "next_seq";

const std::string& text(const io::Row& row, std::size_t c) {
  FL_ASSERT(c < row.size() && std::holds_alternative<std::string>(row[c]));
  return std::get<std::string>(row[c]);
}

std::int64_t integer(const io::Row& row, std::size_t c) {
  FL_ASSERT(c < row.size() && std::holds_alternative<std::int64_t>(row[c]));
  return std::get<std::int64_t>(row[c]);
}

io::Status corrupt(const std::string& what) {
  return io::Status::failed(io::ErrorKind::kInternal, "corrupt row: " + what);
}

io::Result<EntityRow> entity_from_row(const io::Row& row) {
  EntityRow e;
  e.entity_id = text(row, kEntityId);
  e.seq = integer(row, kEntitySeq);
  e.origin = text(row, kEntityOrigin);
  const Json json = Json::parse(text(row, kEntityState), nullptr, false);
  std::string error;
  auto state = state_from_json(json, &error);
  if (!state) return corrupt("entity " + e.entity_id + ": " + error);
  if (type_name(state->type) != text(row, kEntityType)) return corrupt("entity type column");
  e.state = std::move(*state);
  return e;
}

io::Row entity_to_row(const std::string& id, const CrdtState& s, std::int64_t seq,
                      const std::string& origin) {
  return {id, std::string(type_name(s.type)), canonical(s), seq, origin};
}

}  // namespace

bool valid_region(const std::string& region) {
  if (region.empty() || region.size() > kMaxRegionBytes) return false;
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string region_of_node(const std::string& node) {
  std::string out;
  for (char c : node) {
    if (out.size() == kMaxRegionBytes) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? "sync" : out;
}

SyncTables::SyncTables(const std::string& region)
    : entity("sync_" + region + "_entity"),
      change("sync_" + region + "_change"),
      device("sync_" + region + "_device"),
      peer("sync_" + region + "_peer"),
      meta("sync_" + region + "_meta") {
  FL_ASSERT_MSG(valid_region(region), "bad region '" << region << "'");
}

std::vector<io::TableSchema> SyncTables::schemas() const {
  return {
      {entity,
       {{"entity_id", ColumnType::kText},
        {"crdt_type", ColumnType::kText},
        {"state", ColumnType::kText},
        {"seq", ColumnType::kInt64},
        {"origin", ColumnType::kText}},
       {kEntityId}},
      {change, {{"seq", ColumnType::kInt64}, {"entity_id", ColumnType::kText}}, {0}},
      {device,
       {{"device_id", ColumnType::kText},
        {"user_id", ColumnType::kText},
        {"last_upload_seq", ColumnType::kInt64},
        {"last_upload_response", ColumnType::kText}},
       {kDeviceId}},
      {peer, {{"peer", ColumnType::kText}, {"cursor", ColumnType::kInt64}}, {0}},
      {meta, {{"name", ColumnType::kText}, {"value", ColumnType::kInt64}}, {0}},
      {kRegionsTable, {{"region", ColumnType::kText}, {"incarnation", ColumnType::kInt64}}, {0}},
  };
}

io::Result<std::optional<EntityRow>> SyncTxn::entity(const std::string& entity_id) {
  auto row = tx_.get(t_.entity, {entity_id});
  if (!row.is_ok()) return row.status();
  if (!row.value()) return std::optional<EntityRow>();
  auto e = entity_from_row(*row.value());
  if (!e.is_ok()) return e.status();
  return std::optional<EntityRow>(std::move(e.value()));
}

io::Result<std::optional<DeviceRow>> SyncTxn::device(const std::string& device_id) {
  auto row = tx_.get(t_.device, {device_id});
  if (!row.is_ok()) return row.status();
  if (!row.value()) return std::optional<DeviceRow>();
  const io::Row& r = *row.value();
  return std::optional<DeviceRow>(DeviceRow{text(r, kDeviceId), text(r, kDeviceUser),
                                            integer(r, kDeviceSeq), text(r, kDeviceResponse)});
}

io::Status SyncTxn::put_device(const DeviceRow& d, bool insert) {
  const io::Row row = {d.device_id, d.user_id, d.last_upload_seq, d.last_upload_response};
  return insert ? tx_.insert(t_.device, row) : tx_.upsert(t_.device, row);
}

io::Result<std::int64_t> SyncTxn::last_seq() {
  auto row = tx_.get(t_.meta, {std::string(kNextSeq)});
  if (!row.is_ok()) return row.status();
  return row.value() ? integer(*row.value(), 1) - 1 : 0;
}

io::Result<std::int64_t> SyncTxn::allocate_seq() {
  auto last = last_seq();
  if (!last.is_ok()) return last.status();
  const std::int64_t seq = last.value() + 1;
  if (io::Status s = tx_.upsert(t_.meta, {std::string(kNextSeq), seq + 1}); !s.is_ok()) return s;
  return seq;
}

io::Result<MergeOutcome> SyncTxn::merge_into(const std::string& entity_id,
                                             const CrdtState& incoming, const std::string& origin,
                                             const MergeRules& rules) {
  auto stored = entity(entity_id);
  if (!stored.is_ok()) return stored.status();
  CrdtState merged = incoming;
  if (stored.value()) {
    const EntityRow& row = *stored.value();
    if (row.state.type != incoming.type) {
      MergeOutcome out{false, row.state, row.seq, "", io::ErrorKind::kConstraint};
      out.refused = "entity " + entity_id + " is a " + type_name(row.state.type) + ", not a " +
                    type_name(incoming.type);
      return out;
    }
    const bool seen = rules.bug_vv_compare
                          ? dominates_on_own_entries(row.state.context, incoming.context)
                          : row.state.context.dominates(incoming.context);
    if (seen) return MergeOutcome{false, row.state, row.seq};
    merged = merge(row.state, incoming, rules.crdt);
    if (io::Status s = tx_.remove(t_.change, {row.seq}).status(); !s.is_ok()) return s;
  }
  if (std::string e = check_limits(merged); !e.empty()) {
    return MergeOutcome{false, std::move(merged), 0, "entity " + entity_id + ": " + e,
                        io::ErrorKind::kInvalidArgument};
  }
  auto seq = allocate_seq();
  if (!seq.is_ok()) return seq.status();
  const std::string kept_origin = merged == incoming ? origin : "";
  io::Status s = tx_.upsert(t_.entity, entity_to_row(entity_id, merged, seq.value(), kept_origin));
  if (s.is_ok()) s = tx_.insert(t_.change, {seq.value(), entity_id});
  if (!s.is_ok()) return s;
  return MergeOutcome{true, std::move(merged), seq.value()};
}

io::Result<std::vector<EntityRow>> SyncTxn::changed_since(std::int64_t since, std::size_t limit) {
  FL_ASSERT(limit >= 1 && limit <= io::kMaxScanRows);
  io::ScanSpec spec;
  spec.from = io::Key{since + 1};
  spec.limit = limit;
  auto rows = tx_.scan(t_.change, spec);
  if (!rows.is_ok()) return rows.status();
  std::vector<EntityRow> out;
  for (const io::Row& c : rows.value()) {
    const std::string& id = text(c, 1);
    auto e = entity(id);
    if (!e.is_ok()) return e.status();
    if (!e.value() || e.value()->seq != integer(c, 0)) return corrupt("change of " + id);
    out.push_back(std::move(*e.value()));
  }
  return out;
}

io::Result<std::vector<EntityRow>> SyncTxn::entities_after(const std::string& after,
                                                           std::size_t limit) {
  FL_ASSERT(limit >= 1 && limit < io::kMaxScanRows);
  io::ScanSpec spec;
  if (!after.empty()) spec.from = io::Key{after};
  spec.limit = limit + 1;
  auto rows = tx_.scan(t_.entity, spec);
  if (!rows.is_ok()) return rows.status();
  std::vector<EntityRow> out;
  for (const io::Row& r : rows.value()) {
    if (text(r, kEntityId) == after || out.size() == limit) continue;
    auto e = entity_from_row(r);
    if (!e.is_ok()) return e.status();
    out.push_back(std::move(e.value()));
  }
  return out;
}

io::Result<std::int64_t> SyncTxn::peer_cursor(const std::string& peer) {
  auto row = tx_.get(t_.peer, {peer});
  if (!row.is_ok()) return row.status();
  return row.value() ? integer(*row.value(), 1) : 0;
}

io::Status SyncTxn::set_peer_cursor(const std::string& peer, std::int64_t cursor) {
  return tx_.upsert(t_.peer, {peer, cursor});
}

}  // namespace fl::sync
