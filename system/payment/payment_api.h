// The payment service's HTTP API (port 8082 in the seeds), on PaymentService:
//   POST /api/v1/payments                {"idempotency_key","order_id","amount_cents","card"?}
//                                        -> 201 {payment} charged (200 if the key was seen)
//                                        | 402 {"error","payment"} declined | 409 key reused
//   GET  /api/v1/payments/{id}           -> 200 {payment} | 404
//   POST /api/v1/payments/{id}/refund    {"idempotency_key","order_id"?} -> 200 {payment}
//   GET  /api/v1/ledger                  ?limit=N (1..10000, default 100) -> {"entries","count"}
// A payment: {"payment_id","order_id","amount_cents","state","reason","refund_key"}.
#pragma once

#include "system/api/json_body.h"
#include "system/api/log.h"
#include "system/api/router.h"
#include "system/payment/payment_service.h"

namespace fl::api {

void add_payment_routes(Router& router, payment::PaymentService& payments, Logger& log);
Json payment_json(const payment::Payment& payment);

}  // namespace fl::api
