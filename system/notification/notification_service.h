// NotificationService: sends notifications, at most one visible send per (order, event).
//
// A send is visible once it is a row of `notifications` (what list() and the user see). The
// dedup key "<order_id>/<event>" is recorded in `notification_dedup` in the same transaction,
// so a redelivered or retried send returns the notification already sent. KvCache holds a
// fast-path copy of dedup keys (a hint only: the cache may lose writes; SQL decides).
//
// Tables (owned here only): notifications, notification_dedup, notification_outbox.
// Saga commands (topic kNotificationCommands): "notify".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/saga/messages.h"
#include "system/saga/outbox.h"
#include "system/saga/participant.h"

namespace fl::notification {

constexpr std::size_t kMaxFieldBytes = 256;
constexpr std::size_t kMaxMessageBytes = 4096;
constexpr std::size_t kMaxListNotifications = 10000;
constexpr std::int64_t kDedupCacheTtlMs = 24LL * 3600 * 1000;

struct SendRequest {
  std::string order_id;  // 1..kMaxFieldBytes
  std::string event;     // "order_confirmed"; 1..kMaxFieldBytes
  std::string channel = "email";
  std::string recipient;
  std::string message;  // at most kMaxMessageBytes
};

struct Notification {
  std::string notification_id;
  std::string order_id;
  std::string event;
  std::string channel;
  std::string recipient;
  std::string message;
  std::int64_t sent_wall_ns = 0;  // this node's wall clock, for people
};

struct SendResult {
  Notification notification;
  bool sent_now = false;  // false: it had been sent before (deduplicated)
};

struct NotificationOptions {};

class NotificationService final : public saga::Participant {
 public:
  // REQUIRES: env.sql (env.cache optional: the dedup hint). Does no IO.
  explicit NotificationService(io::Env& env, NotificationOptions options = {});
  NotificationService(const NotificationService&) = delete;
  NotificationService& operator=(const NotificationService&) = delete;

  // init() and run() (tables, topics, outbox relay, command consumer): saga::Participant.

  // ok: sent now or before (same order and event). kInvalidArgument: bad fields.
  io::Result<SendResult> send(const SendRequest& request);
  // Notifications in id order; only those of `order_id` when it is non-empty.
  io::Result<std::vector<Notification>> list(const std::string& order_id, std::size_t limit);

  io::Status apply_command(const saga::Command& command) override;
  static std::vector<io::TableSchema> schemas();

 private:
  io::Result<SendResult> send_in(io::SqlTransaction& tx, const SendRequest& request);

  NotificationOptions options_;
};

}  // namespace fl::notification
