// InventoryService: items with stock, and reservations as semantic locks. A reservation takes
// stock out of `available` into `reserved` while it is held; release puts it back; confirm makes
// it final (the stock left the warehouse). Reservation ids are idempotency keys: reserving the
// same id twice holds stock once, and a release that arrives before its reservation leaves a
// tombstone (state cancelled) so that the late reservation is refused.
//
// Tables (owned here only): inventory_items, inventory_reservations, inventory_processed,
// inventory_outbox. Every operation is one transaction; stock never goes negative.
// Saga commands (topic kInventoryCommands): "reserve", "release", "confirm".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/saga/messages.h"
#include "system/saga/outbox.h"
#include "system/saga/participant.h"

namespace fl::inventory {

constexpr std::size_t kMaxSkuBytes = 64;
constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxReservationIdBytes = 256;
constexpr std::int64_t kMaxQuantity = 1'000'000;  // items per sku, and per reservation
constexpr std::size_t kMaxListItems = 1000;

struct Item {
  std::string sku;
  std::string name;
  std::int64_t available = 0;  // free to reserve
  std::int64_t reserved = 0;   // held by reservations
  std::int64_t confirmed = 0;  // taken by confirmed reservations
};

struct CreateItemRequest {
  std::string sku;            // [A-Za-z0-9_.-], 1..kMaxSkuBytes
  std::string name;           // at most kMaxNameBytes
  std::int64_t quantity = 0;  // 0..kMaxQuantity
};

enum class ReservationState : std::uint8_t {
  kHeld,       // stock held
  kReleased,   // held, then given back
  kConfirmed,  // held, then made final
  kRejected,   // refused (insufficient stock or unknown sku): held nothing
  kCancelled,  // released before it was ever reserved (tombstone): held nothing
};
const char* to_string(ReservationState state);

struct Reservation {
  std::string reservation_id;
  std::string sku;
  std::int64_t quantity = 0;
  ReservationState state = ReservationState::kHeld;
  std::string reason;  // for rejected: why
};

struct ReserveRequest {
  std::string sku;
  std::int64_t quantity = 0;   // 1..kMaxQuantity
  std::string reservation_id;  // the idempotency key, 1..kMaxReservationIdBytes
};

struct InventoryOptions {};

class InventoryService final : public saga::Participant {
 public:
  // REQUIRES: env.sql. Does no IO.
  explicit InventoryService(io::Env& env, InventoryOptions options = {});
  InventoryService(const InventoryService&) = delete;
  InventoryService& operator=(const InventoryService&) = delete;

  // init() and run() (tables, topics, outbox relay, command consumer): saga::Participant.

  // failed kConstraint: the sku exists. kInvalidArgument: bad fields.
  io::Result<Item> create_item(const CreateItemRequest& request);
  io::Result<std::vector<Item>> list_items(std::size_t limit);
  io::Result<std::optional<Item>> get_item(const std::string& sku);

  // ok with state kHeld (now or before, same id), or kRejected with the reason (insufficient
  // stock, unknown sku), or kCancelled (released first). failed kConstraint: the id was used for
  // another sku or quantity. kInvalidArgument: bad fields.
  io::Result<Reservation> reserve(const ReserveRequest& request);
  // Gives held stock back. ok with the final state (released, or cancelled if it was never
  // reserved: a tombstone); releasing twice is ok.
  io::Result<Reservation> release(const std::string& reservation_id);
  // Makes a held reservation final. failed kConstraint if it is not held or confirmed.
  io::Result<Reservation> confirm(const std::string& reservation_id);
  io::Result<std::optional<Reservation>> get_reservation(const std::string& reservation_id);
  // Reservations in id order (checkers and operators).
  io::Result<std::vector<Reservation>> list_reservations(std::size_t limit);

  // Applies one saga command (participant contract, saga/participant.h).
  io::Status apply_command(const saga::Command& command) override;

  static std::vector<io::TableSchema> schemas();

 private:
  InventoryOptions options_;
};

}  // namespace fl::inventory
