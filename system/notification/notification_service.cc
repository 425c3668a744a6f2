#include "system/notification/notification_service.h"

#include <cstdio>

#include "system/saga/participant.h"
#include "system/saga/txn.h"

namespace fl::notification {
namespace {

using saga::int_at;
using saga::text_at;

constexpr const char* kNotifications = "notifications";
constexpr const char* kDedup = "notification_dedup";
enum Col : std::size_t { kId, kOrder, kEvent, kChannel, kRecipient, kMessage, kSentAt };

io::Status invalid(std::string why) {
  return io::Status::failed(io::ErrorKind::kInvalidArgument, std::move(why));
}

Notification from_row(const io::Row& row) {
  return {text_at(row, kId),      text_at(row, kOrder),     text_at(row, kEvent),
          text_at(row, kChannel), text_at(row, kRecipient), text_at(row, kMessage),
          int_at(row, kSentAt)};
}

std::string dedup_key(const SendRequest& req) { return req.order_id + "/" + req.event; }

io::Status check(const SendRequest& req) {
  auto field = [](const std::string& v, bool required) {
    return (!required || !v.empty()) && v.size() <= kMaxFieldBytes;
  };
  if (!field(req.order_id, true)) return invalid("order_id: 1..256 bytes");
  if (!field(req.event, true)) return invalid("event: 1..256 bytes");
  if (!field(req.channel, true)) return invalid("channel: 1..256 bytes");
  if (!field(req.recipient, false)) return invalid("recipient: at most 256 bytes");
  if (req.message.size() > kMaxMessageBytes) return invalid("message: at most 4096 bytes");
  return io::Status::ok();
}

}  // namespace

NotificationService::NotificationService(io::Env& env, NotificationOptions options)
    : Participant(env, {"notification", saga::kNotificationCommands, "notification_outbox"},
                  schemas()),
      options_(options) {}

std::vector<io::TableSchema> NotificationService::schemas() {
  using io::ColumnType;
  return {{kNotifications,
           {{"notification_id", ColumnType::kText},
            {"order_id", ColumnType::kText},
            {"event", ColumnType::kText},
            {"channel", ColumnType::kText},
            {"recipient", ColumnType::kText},
            {"message", ColumnType::kText},
            {"sent_wall_ns", ColumnType::kInt64}},
           {kId}},
          {kDedup, {{"dedup_key", ColumnType::kText}, {"notification_id", ColumnType::kText}}, {0}},
          saga::Outbox("notification_outbox").schema()};
}

io::Result<SendResult> NotificationService::send_in(io::SqlTransaction& tx,
                                                    const SendRequest& req) {
  auto seen = tx.get(kDedup, {dedup_key(req)});
  if (!seen.is_ok()) return seen.status();
  if (seen.value()) {
    auto row = tx.get(kNotifications, {text_at(*seen.value(), 1)});
    if (!row.is_ok()) return row.status();
    FL_ASSERT_MSG(row.value().has_value(), "dedup row without its notification");
    return SendResult{from_row(*row.value()), false};
  }
  char id[32];
  std::snprintf(id, sizeof id, "ntf-%016llx",
                static_cast<unsigned long long>(env_.random.next_u64()));
  Notification n{id,          req.order_id,        req.event, req.channel, req.recipient,
                 req.message, env_.clock.wall_ns()};
  if (io::Status s = tx.insert(kNotifications, {n.notification_id, n.order_id, n.event, n.channel,
                                                n.recipient, n.message, n.sent_wall_ns});
      !s.is_ok()) {
    return s;
  }
  if (io::Status s = tx.insert(kDedup, {dedup_key(req), n.notification_id}); !s.is_ok()) return s;
  return SendResult{n, true};
}

io::Result<SendResult> NotificationService::send(const SendRequest& req) {
  if (io::Status s = check(req); !s.is_ok()) return s;
  const std::string cache_key = "notification:" + dedup_key(req);
  if (env_.cache != nullptr) {
    // A hint only: a hit names the notification already sent (read it back from SQL); a miss or
    // a cache error proves nothing and the transaction decides.
    auto hint = env_.cache->get(cache_key);
    if (hint.is_ok() && hint.value()) {
      auto listed = list(req.order_id, kMaxListNotifications);
      if (listed.is_ok()) {
        for (const auto& n : listed.value()) {
          if (n.notification_id == *hint.value() && n.event == req.event) {
            return SendResult{n, false};
          }
        }
      }
    }
  }
  auto sent = saga::transact<SendResult>(*env_.sql, env_.clock,
                                         [&](io::SqlTransaction& tx) { return send_in(tx, req); });
  if (sent.is_ok() && env_.cache != nullptr) {
    (void)env_.cache->set(cache_key, sent.value().notification.notification_id,
                          io::SetCondition::kAlways, kDedupCacheTtlMs);
  }
  return sent;
}

io::Result<std::vector<Notification>> NotificationService::list(const std::string& order_id,
                                                                std::size_t limit) {
  std::vector<io::Filter> filters;
  if (!order_id.empty()) filters.push_back({kOrder, io::CompareOp::kEq, order_id});
  return saga::read_rows<Notification>(*env_.sql, kNotifications, limit, kMaxListNotifications,
                                       from_row, std::move(filters));
}

io::Status NotificationService::apply_command(const saga::Command& c) {
  if (c.action != "notify") return invalid("notification: unknown action " + c.action);
  SendRequest req;
  req.order_id = c.order_id;
  req.event = c.event;
  req.channel = "email";
  req.recipient = c.user_id;
  req.message = "order " + c.order_id + " confirmed";
  const bool valid = check(req).is_ok();
  auto done =
      saga::transact<bool>(*env_.sql, env_.clock, [&](io::SqlTransaction& tx) -> io::Result<bool> {
        if (valid) {
          auto sent = send_in(tx, req);
          if (!sent.is_ok()) return sent.status();
        }
        auto m =
            saga::reply_message(saga::reply_to(c, valid, valid ? "" : "invalid notification"), "r");
        if (io::Status s = outbox_.append(tx, m); !s.is_ok()) return s;
        return valid;
      });
  return done.status();
}

}  // namespace fl::notification
