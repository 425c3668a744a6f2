#include "system/inventory/inventory_service.h"

#include <array>

#include "system/saga/participant.h"
#include "system/saga/txn.h"

namespace fl::inventory {
namespace {

using saga::int_at;
using saga::text_at;
using saga::TxnAction;

constexpr const char* kItems = "inventory_items";
constexpr const char* kReservations = "inventory_reservations";
enum ItemCol : std::size_t { kSku, kName, kAvailable, kReserved, kConfirmed };
enum ResCol : std::size_t { kResId, kResSku, kResQuantity, kResState, kResReason };
constexpr std::array<const char*, 5> kStateNames = {"held", "released", "confirmed", "rejected",
                                                    "cancelled"};

io::Status invalid(std::string why) {
  return io::Status::failed(io::ErrorKind::kInvalidArgument, std::move(why));
}

bool valid_sku(const std::string& sku) {
  if (sku.empty() || sku.size() > kMaxSkuBytes) return false;
  for (char c : sku) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Item item_from(const io::Row& row) {
  return {text_at(row, kSku), text_at(row, kName), int_at(row, kAvailable), int_at(row, kReserved),
          int_at(row, kConfirmed)};
}

io::Row row_of(const Item& item) {
  FL_ASSERT(item.available >= 0 && item.reserved >= 0 && item.confirmed >= 0);
  return {item.sku, item.name, item.available, item.reserved, item.confirmed};
}

Reservation reservation_from(const io::Row& row) {
  Reservation r{text_at(row, kResId), text_at(row, kResSku), int_at(row, kResQuantity),
                ReservationState::kHeld, text_at(row, kResReason)};
  const std::string& state = text_at(row, kResState);
  bool known = false;
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (state == kStateNames[i]) r.state = static_cast<ReservationState>(i), known = true;
  }
  FL_ASSERT_MSG(known, "bad reservation state " << state);
  return r;
}

io::Row row_of(const Reservation& r) {
  return {r.reservation_id, r.sku, r.quantity, std::string(to_string(r.state)), r.reason};
}

// Reads the item and writes it back with `change` applied (the caller's transaction).
template <typename F>
io::Status update_item(io::SqlTransaction& tx, const std::string& sku, F&& change) {
  auto found = tx.get(kItems, {sku});
  if (!found.is_ok()) return found.status();
  FL_ASSERT_MSG(found.value().has_value(), "reservation of a missing item " << sku);
  Item item = item_from(*found.value());
  change(&item);
  return tx.upsert(kItems, row_of(item));
}

io::Result<Reservation> reserve_in(io::SqlTransaction& tx, const ReserveRequest& req) {
  auto existing = tx.get(kReservations, {req.reservation_id});
  if (!existing.is_ok()) return existing.status();
  if (existing.value()) {
    Reservation r = reservation_from(*existing.value());
    const bool same =
        r.state == ReservationState::kCancelled || (r.sku == req.sku && r.quantity == req.quantity);
    if (!same) {
      return io::Status::failed(io::ErrorKind::kConstraint,
                                "reservation_id already used for another sku or quantity");
    }
    return r;  // applied before: same answer
  }
  Reservation r{req.reservation_id, req.sku, req.quantity, ReservationState::kHeld, ""};
  auto item = tx.get(kItems, {req.sku});
  if (!item.is_ok()) return item.status();
  if (!item.value()) {
    r.state = ReservationState::kRejected, r.reason = "unknown sku";
  } else if (item_from(*item.value()).available < req.quantity) {
    r.state = ReservationState::kRejected, r.reason = "insufficient stock";
  } else {
    Item updated = item_from(*item.value());
    updated.available -= req.quantity;
    updated.reserved += req.quantity;
    if (io::Status s = tx.upsert(kItems, row_of(updated)); !s.is_ok()) return s;
  }
  if (io::Status s = tx.insert(kReservations, row_of(r)); !s.is_ok()) return s;
  return r;
}

io::Result<Reservation> release_in(io::SqlTransaction& tx, const std::string& id) {
  auto existing = tx.get(kReservations, {id});
  if (!existing.is_ok()) return existing.status();
  if (!existing.value()) {  // released before reserved: a tombstone refuses the late reserve
    Reservation r{id, "", 0, ReservationState::kCancelled, "released before reserved"};
    if (io::Status s = tx.insert(kReservations, row_of(r)); !s.is_ok()) return s;
    return r;
  }
  Reservation r = reservation_from(*existing.value());
  if (r.state == ReservationState::kConfirmed) {
    return io::Status::failed(io::ErrorKind::kConstraint, "reservation already confirmed");
  }
  if (r.state != ReservationState::kHeld) return r;  // nothing held: releasing is a no-op
  io::Status s = update_item(tx, r.sku, [&](Item* item) {
    FL_ASSERT_LE(r.quantity, item->reserved);
    item->reserved -= r.quantity;
    item->available += r.quantity;
  });
  if (!s.is_ok()) return s;
  r.state = ReservationState::kReleased;
  if (io::Status u = tx.upsert(kReservations, row_of(r)); !u.is_ok()) return u;
  return r;
}

io::Result<Reservation> confirm_in(io::SqlTransaction& tx, const std::string& id) {
  auto existing = tx.get(kReservations, {id});
  if (!existing.is_ok()) return existing.status();
  if (!existing.value()) return io::Status::failed(io::ErrorKind::kNotFound, "no reservation");
  Reservation r = reservation_from(*existing.value());
  if (r.state == ReservationState::kConfirmed) return r;
  if (r.state != ReservationState::kHeld) {
    return io::Status::failed(io::ErrorKind::kConstraint,
                              std::string("reservation is ") + to_string(r.state));
  }
  io::Status s = update_item(tx, r.sku, [&](Item* item) {
    FL_ASSERT_LE(r.quantity, item->reserved);
    item->reserved -= r.quantity;
    item->confirmed += r.quantity;
  });
  if (!s.is_ok()) return s;
  r.state = ReservationState::kConfirmed;
  if (io::Status u = tx.upsert(kReservations, row_of(r)); !u.is_ok()) return u;
  return r;
}

io::Status check_reserve(const ReserveRequest& req) {
  if (!valid_sku(req.sku)) return invalid("sku: 1..64 characters of [A-Za-z0-9_.-]");
  if (req.quantity < 1 || req.quantity > kMaxQuantity)
    return invalid("quantity: 1.." + std::to_string(kMaxQuantity));
  if (req.reservation_id.empty() || req.reservation_id.size() > kMaxReservationIdBytes) {
    return invalid("reservation_id: 1..256 bytes");
  }
  return io::Status::ok();
}

}  // namespace

const char* to_string(ReservationState state) {
  return kStateNames[static_cast<std::size_t>(state)];
}

InventoryService::InventoryService(io::Env& env, InventoryOptions options)
    : Participant(env, {"inventory", saga::kInventoryCommands, "inventory_outbox"}, schemas()),
      options_(options) {}

std::vector<io::TableSchema> InventoryService::schemas() {
  using io::ColumnType;
  return {{kItems,
           {{"sku", ColumnType::kText},
            {"name", ColumnType::kText},
            {"available", ColumnType::kInt64},
            {"reserved", ColumnType::kInt64},
            {"confirmed", ColumnType::kInt64}},
           {kSku}},
          {kReservations,
           {{"reservation_id", ColumnType::kText},
            {"sku", ColumnType::kText},
            {"quantity", ColumnType::kInt64},
            {"state", ColumnType::kText},
            {"reason", ColumnType::kText}},
           {kResId}},
          saga::Outbox("inventory_outbox").schema()};
}

io::Result<Item> InventoryService::create_item(const CreateItemRequest& req) {
  if (!valid_sku(req.sku)) return invalid("sku: 1..64 characters of [A-Za-z0-9_.-]");
  if (req.name.size() > kMaxNameBytes) return invalid("name: at most 256 bytes");
  if (req.quantity < 0 || req.quantity > kMaxQuantity)
    return invalid("quantity: 0.." + std::to_string(kMaxQuantity));
  const Item item{req.sku, req.name, req.quantity, 0, 0};
  return saga::transact<Item>(
      *env_.sql, env_.clock, [&](io::SqlTransaction& tx) -> io::Result<Item> {
        auto found = tx.get(kItems, {req.sku});
        if (!found.is_ok()) return found.status();
        if (found.value()) return io::Status::failed(io::ErrorKind::kConstraint, "sku exists");
        if (io::Status s = tx.insert(kItems, row_of(item)); !s.is_ok()) return s;
        return item;
      });
}

io::Result<std::vector<Item>> InventoryService::list_items(std::size_t limit) {
  return saga::read_rows<Item>(*env_.sql, kItems, limit, kMaxListItems, item_from);
}

io::Result<std::optional<Item>> InventoryService::get_item(const std::string& sku) {
  if (!valid_sku(sku)) return std::optional<Item>();
  return saga::read_row<Item>(*env_.sql, kItems, {sku}, item_from);
}

io::Result<Reservation> InventoryService::reserve(const ReserveRequest& req) {
  if (io::Status s = check_reserve(req); !s.is_ok()) return s;
  return saga::transact<Reservation>(*env_.sql, env_.clock,
                                     [&](io::SqlTransaction& tx) { return reserve_in(tx, req); });
}

io::Result<Reservation> InventoryService::release(const std::string& id) {
  if (id.empty() || id.size() > kMaxReservationIdBytes) return invalid("reservation_id: 1..256");
  return saga::transact<Reservation>(*env_.sql, env_.clock,
                                     [&](io::SqlTransaction& tx) { return release_in(tx, id); });
}

io::Result<Reservation> InventoryService::confirm(const std::string& id) {
  if (id.empty() || id.size() > kMaxReservationIdBytes) return invalid("reservation_id: 1..256");
  return saga::transact<Reservation>(*env_.sql, env_.clock,
                                     [&](io::SqlTransaction& tx) { return confirm_in(tx, id); });
}

io::Result<std::optional<Reservation>> InventoryService::get_reservation(const std::string& id) {
  return saga::read_row<Reservation>(*env_.sql, kReservations, {id}, reservation_from);
}

io::Result<std::vector<Reservation>> InventoryService::list_reservations(std::size_t limit) {
  return saga::read_rows<Reservation>(*env_.sql, kReservations, limit, io::kMaxScanRows,
                                      reservation_from);
}

io::Status InventoryService::apply_command(const saga::Command& c) {
  const bool reserve_cmd = c.action == "reserve";
  if (!reserve_cmd && c.action != "release" && c.action != "confirm") {
    return invalid("inventory: unknown action " + c.action);
  }
  if (reserve_cmd && !check_reserve({c.sku, c.quantity, c.reservation_id}).is_ok()) {
    // A malformed reserve is refused (and recorded nowhere: the same command gets the same
    // answer every time, since the check is a pure function of it).
    return saga::transact<bool>(*env_.sql, env_.clock,
                                [&](io::SqlTransaction& tx) -> io::Result<bool> {
                                  auto m = saga::reply_message(
                                      saga::reply_to(c, false, "invalid reservation"), "r");
                                  if (io::Status s = outbox_.append(tx, m); !s.is_ok()) return s;
                                  return true;
                                })
        .status();
  }
  auto done =
      saga::transact<bool>(*env_.sql, env_.clock, [&](io::SqlTransaction& tx) -> io::Result<bool> {
        io::Result<Reservation> r = reserve_cmd
                                        ? reserve_in(tx, {c.sku, c.quantity, c.reservation_id})
                                    : c.action == "release" ? release_in(tx, c.reservation_id)
                                                            : confirm_in(tx, c.reservation_id);
        bool ok = false;
        std::string reason;
        if (r.is_ok()) {
          const ReservationState st = r.value().state;
          ok = !reserve_cmd || st == ReservationState::kHeld || st == ReservationState::kConfirmed;
          reason = ok ? "" : (r.value().reason.empty() ? to_string(st) : r.value().reason);
        } else if (r.status().kind() == io::ErrorKind::kConstraint ||
                   r.status().kind() == io::ErrorKind::kNotFound) {
          reason = r.status().message();  // a definite refusal, recorded by the reply
        } else {
          return r.status();  // retry the whole command
        }
        auto m = saga::reply_message(saga::reply_to(c, ok, reason), "r");
        if (io::Status s = outbox_.append(tx, m); !s.is_ok()) return s;
        return ok;
      });
  return done.status();
}

}  // namespace fl::inventory
