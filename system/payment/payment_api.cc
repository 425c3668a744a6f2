#include "system/payment/payment_api.h"

#include "system/api/request.h"
#include "system/io/assert.h"

namespace fl::api {
namespace {

constexpr std::size_t kDefaultLedgerLimit = 100;

io::Response charge(payment::PaymentService& pay, Logger& log, const ApiRequest& req) {
  RequestBody body(req);
  FieldReader& r = body.fields();
  payment::ChargeRequest c;
  c.idempotency_key = r.text("idempotency_key", payment::kMaxKeyBytes);
  c.order_id = r.text("order_id", payment::kMaxKeyBytes);
  c.amount_cents = r.integer("amount_cents", 0, payment::kMaxAmountCents);
  c.card = r.text("card", payment::kMaxKeyBytes, /*required=*/false);
  if (auto bad = body.problem()) return *bad;
  // A charge with a known key returns the recorded payment: look first to answer 200 vs 201.
  auto before = pay.get(c.idempotency_key);
  if (!before.is_ok()) return error_from_status(before.status());
  auto charged = pay.charge(c);
  if (!charged.is_ok()) {
    if (charged.status().kind() == io::ErrorKind::kConstraint) {
      return error_response(
          409, "idempotency key " + c.idempotency_key + " was used for another order or amount");
    }
    return error_from_status(charged.status());
  }
  const payment::Payment& p = charged.value();
  FL_ASSERT_EQ(p.payment_id, c.idempotency_key);
  log.info("charge", {{"payment_id", p.payment_id},
                      {"order_id", p.order_id},
                      {"amount_cents", p.amount_cents},
                      {"state", payment::to_string(p.state)}});
  if (p.state == payment::PaymentState::kDeclined || p.state == payment::PaymentState::kCancelled) {
    const std::string why = p.reason.empty() ? payment::to_string(p.state) : p.reason;
    return json_response(402,
                         Json{{"error", "payment refused: " + why}, {"payment", payment_json(p)}});
  }
  return json_response(before.value().has_value() ? 200 : 201, payment_json(p));
}

io::Response get_payment(payment::PaymentService& pay, const ApiRequest& req) {
  std::string id;
  if (auto bad = read_param(req, "id", payment::kMaxKeyBytes, "id", &id)) return *bad;
  auto got = pay.get(id);
  if (!got.is_ok()) return error_from_status(got.status());
  if (!got.value().has_value()) return error_response(404, "no payment " + id);
  return json_response(200, payment_json(*got.value()));
}

io::Response refund(payment::PaymentService& pay, Logger& log, const ApiRequest& req) {
  std::string id;
  if (auto bad = read_param(req, "id", payment::kMaxKeyBytes, "id", &id)) return *bad;
  RequestBody body(req);
  FieldReader& r = body.fields();
  payment::RefundRequest rf;
  rf.charge_key = id;
  rf.idempotency_key = r.text("idempotency_key", payment::kMaxKeyBytes);
  rf.order_id = r.text("order_id", payment::kMaxKeyBytes, /*required=*/false);
  if (auto bad = body.problem()) return *bad;
  auto done = pay.refund(rf);
  if (!done.is_ok()) return error_from_status(done.status());
  log.info("refund", {{"payment_id", id}, {"state", payment::to_string(done.value().state)}});
  return json_response(200, payment_json(done.value()));
}

io::Response ledger(payment::PaymentService& pay, const ApiRequest& req) {
  std::size_t limit = 0;
  if (auto bad = read_limit(req, kDefaultLedgerLimit, payment::kMaxListLedger, &limit)) return *bad;
  auto entries = pay.list_ledger(limit);
  if (!entries.is_ok()) return error_from_status(entries.status());
  Json out = Json::array();
  for (const auto& e : entries.value()) {
    out.push_back(Json{{"entry_id", e.entry_id},
                       {"order_id", e.order_id},
                       {"payment_id", e.payment_id},
                       {"amount_cents", e.amount_cents}});
  }
  return json_response(200, Json{{"entries", out}, {"count", out.size()}, {"limit", limit}});
}

}  // namespace

Json payment_json(const payment::Payment& p) {
  return Json{{"payment_id", p.payment_id},
              {"order_id", p.order_id},
              {"amount_cents", p.amount_cents},
              {"state", payment::to_string(p.state)},
              {"reason", p.reason},
              {"refund_key", p.refund_key}};
}

void add_payment_routes(Router& router, payment::PaymentService& pay, Logger& log) {
  router.add("POST", "/api/v1/payments",
             [&pay, &log](const ApiRequest& q) { return charge(pay, log, q); });
  router.add("GET", "/api/v1/payments/{id}",
             [&pay](const ApiRequest& q) { return get_payment(pay, q); });
  router.add("POST", "/api/v1/payments/{id}/refund",
             [&pay, &log](const ApiRequest& q) { return refund(pay, log, q); });
  router.add("GET", "/api/v1/ledger", [&pay](const ApiRequest& q) { return ledger(pay, q); });
}

}  // namespace fl::api
