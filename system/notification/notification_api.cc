#include "system/notification/notification_api.h"

#include "system/api/request.h"
#include "system/io/assert.h"

namespace fl::api {
namespace {

constexpr std::size_t kDefaultNotificationsLimit = 100;

io::Response send(notification::NotificationService& svc, Logger& log, const ApiRequest& req) {
  RequestBody body(req);
  FieldReader& r = body.fields();
  notification::SendRequest s;
  s.order_id = r.text("order_id", notification::kMaxFieldBytes);
  s.event = r.text("event", notification::kMaxFieldBytes);
  s.channel = r.text("channel", notification::kMaxFieldBytes, /*required=*/false, "email");
  s.recipient = r.text("recipient", notification::kMaxFieldBytes, /*required=*/false);
  s.message = r.text("message", notification::kMaxMessageBytes, /*required=*/false);
  if (auto bad = body.problem()) return *bad;
  auto sent = svc.send(s);
  if (!sent.is_ok()) return error_from_status(sent.status());
  const auto& n = sent.value().notification;
  FL_ASSERT_EQ(n.order_id, s.order_id);
  log.info("notification",
           {{"order_id", n.order_id}, {"event", n.event}, {"sent_now", sent.value().sent_now}});
  return json_response(sent.value().sent_now ? 201 : 200, notification_json(n));
}

io::Response list(notification::NotificationService& svc, const ApiRequest& req) {
  std::size_t limit = 0;
  if (auto bad = read_limit(req, kDefaultNotificationsLimit, notification::kMaxListNotifications,
                            &limit)) {
    return *bad;
  }
  auto it = req.query.find("order_id");
  const std::string order_id = it == req.query.end() ? "" : it->second;
  if (order_id.size() > notification::kMaxFieldBytes) return error_response(400, "bad order_id");
  auto found = svc.list(order_id, limit);
  if (!found.is_ok()) return error_from_status(found.status());
  Json out = Json::array();
  for (const auto& n : found.value()) out.push_back(notification_json(n));
  return json_response(200, Json{{"notifications", out}, {"count", out.size()}, {"limit", limit}});
}

}  // namespace

Json notification_json(const notification::Notification& n) {
  return Json{{"notification_id", n.notification_id},
              {"order_id", n.order_id},
              {"event", n.event},
              {"channel", n.channel},
              {"recipient", n.recipient},
              {"message", n.message},
              {"sent_at", rfc3339_ms(n.sent_wall_ns)}};
}

void add_notification_routes(Router& router, notification::NotificationService& svc, Logger& log) {
  router.add("POST", "/api/v1/notifications",
             [&svc, &log](const ApiRequest& q) { return send(svc, log, q); });
  router.add("GET", "/api/v1/notifications", [&svc](const ApiRequest& q) { return list(svc, q); });
}

}  // namespace fl::api
