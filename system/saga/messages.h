// Messages between the orchestrator and the participants, carried by the EventLog.
//
// A Command asks a participant to do (direction kForward) or undo (kCompensate) one step of one
// saga. Its idempotency key is stable per (saga, step, direction): every retry of the same
// command carries the same key, so a participant applies it at most once and answers every copy
// with the same recorded Reply. A Reply names the key it answers; the orchestrator's inbox
// deduplicates replies by that key.
#pragma once

#include <cstdint>
#include <string>

#include "system/io/status.h"

namespace fl::saga {

// Topics (one per participant for commands, one for all replies).
inline constexpr const char* kInventoryCommands = "saga.inventory.commands";
inline constexpr const char* kPaymentCommands = "saga.payment.commands";
inline constexpr const char* kNotificationCommands = "saga.notification.commands";
inline constexpr const char* kReplies = "saga.replies";
constexpr int kTopicPartitions = 4;

enum class Direction : std::uint8_t { kForward, kCompensate };
const char* to_string(Direction direction);

struct Command {
  std::string saga_id;
  int step = 0;
  Direction direction = Direction::kForward;
  std::string idempotency_key;  // idempotency_key(saga_id, step_name, direction)
  std::string action;           // "reserve", "release", "charge", "refund", "notify"
  // Action arguments (unused ones stay empty / 0).
  std::string order_id;
  std::string sku;
  std::int64_t quantity = 0;
  std::string reservation_id;
  std::int64_t amount_cents = 0;
  std::string charge_key;  // for "refund": the key of the charge it undoes
  std::string card;
  std::string event;  // for "notify"
  std::string user_id;
};

struct Reply {
  std::string saga_id;
  int step = 0;
  Direction direction = Direction::kForward;
  std::string idempotency_key;  // the command's
  bool ok = false;              // the step's outcome: applied (or already applied) / refused
  std::string reason;           // why it was refused, in words
};

// "<saga_id>/<step_name>/<fwd|comp>"
std::string idempotency_key(const std::string& saga_id, const std::string& step_name,
                            Direction direction);

std::string encode(const Command& command);
std::string encode(const Reply& reply);
// Parse errors are kInvalidArgument (a malformed record is logged and skipped by consumers).
io::Result<Command> decode_command(const std::string& text);
io::Result<Reply> decode_reply(const std::string& text);

}  // namespace fl::saga
