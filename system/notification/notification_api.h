// The notification service's HTTP API (port 8083 in the seeds), on NotificationService:
//   POST /api/v1/notifications  {"order_id","event","channel"?,"recipient"?,"message"?}
//                               -> 201 {notification} sent now | 200 sent before (deduplicated
//                                  per order and event: at most one visible send)
//   GET  /api/v1/notifications  ?order_id=X&limit=N (1..10000, default 100)
//                               -> 200 {"notifications": [...], "count"}
// A notification: {"notification_id","order_id","event","channel","recipient","message",
// "sent_at"}.
#pragma once

#include "system/api/json_body.h"
#include "system/api/log.h"
#include "system/api/router.h"
#include "system/notification/notification_service.h"

namespace fl::api {

void add_notification_routes(Router& router, notification::NotificationService& notifications,
                             Logger& log);
Json notification_json(const notification::Notification& n);

}  // namespace fl::api
