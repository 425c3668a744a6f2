#include "system/payment/payment_service.h"

#include <array>
#include <cstdio>

#include "system/saga/participant.h"
#include "system/saga/txn.h"

namespace fl::payment {
namespace {

using saga::int_at;
using saga::text_at;

constexpr const char* kPayments = "payments";
constexpr const char* kLedger = "payment_ledger";
constexpr const char* kProcessed = "payment_processed";
enum PayCol : std::size_t { kId, kOrder, kAmount, kState, kReason, kRefundKey };
enum LedgerCol : std::size_t { kEntryId, kEntryOrder, kEntryPayment, kEntryAmount };
constexpr std::array<const char*, 4> kStateNames = {"charged", "declined", "refunded", "cancelled"};

io::Status invalid(std::string why) {
  return io::Status::failed(io::ErrorKind::kInvalidArgument, std::move(why));
}

Payment payment_from(const io::Row& row) {
  Payment p{text_at(row, kId),      text_at(row, kOrder),  int_at(row, kAmount),
            PaymentState::kCharged, text_at(row, kReason), text_at(row, kRefundKey)};
  bool known = false;
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (text_at(row, kState) == kStateNames[i])
      p.state = static_cast<PaymentState>(i), known = true;
  }
  FL_ASSERT_MSG(known, "bad payment state " << text_at(row, kState));
  return p;
}

io::Row row_of(const Payment& p) {
  FL_ASSERT(p.amount_cents >= 0);
  return {p.payment_id, p.order_id,  p.amount_cents, std::string(to_string(p.state)),
          p.reason,     p.refund_key};
}

io::Status add_entry(io::SqlTransaction& tx, const std::string& entry_id, const Payment& p,
                     std::int64_t amount) {
  return tx.insert(kLedger, {entry_id, p.order_id, p.payment_id, amount});
}

io::Status check_key(const std::string& key, const char* what) {
  if (key.empty() || key.size() > kMaxKeyBytes)
    return invalid(std::string(what) + ": 1..256 bytes");
  return io::Status::ok();
}

}  // namespace

const char* to_string(PaymentState state) { return kStateNames[static_cast<std::size_t>(state)]; }

PaymentService::PaymentService(io::Env& env, PaymentOptions options)
    : Participant(env, {"payment", saga::kPaymentCommands, "payment_outbox"}, schemas()),
      options_(options) {
  FL_ASSERT(env.sql != nullptr);
  FL_ASSERT(options_.max_charge_cents >= 0);
}

std::vector<io::TableSchema> PaymentService::schemas() {
  using io::ColumnType;
  return {{kPayments,
           {{"payment_id", ColumnType::kText},
            {"order_id", ColumnType::kText},
            {"amount_cents", ColumnType::kInt64},
            {"state", ColumnType::kText},
            {"reason", ColumnType::kText},
            {"refund_key", ColumnType::kText}},
           {kId}},
          {kLedger,
           {{"entry_id", ColumnType::kText},
            {"order_id", ColumnType::kText},
            {"payment_id", ColumnType::kText},
            {"amount_cents", ColumnType::kInt64}},
           {kEntryId}},
          {kProcessed, {{"refund_key", ColumnType::kText}, {"payment_id", ColumnType::kText}}, {0}},
          saga::Outbox("payment_outbox").schema()};
}

io::Result<Payment> PaymentService::charge_in(io::SqlTransaction& tx, const ChargeRequest& req) {
  auto found = tx.get(kPayments, {req.idempotency_key});
  if (!found.is_ok()) return found.status();
  if (found.value()) {
    Payment p = payment_from(*found.value());
    const bool same = p.state == PaymentState::kCancelled ||
                      (p.order_id == req.order_id && p.amount_cents == req.amount_cents);
    if (!same) {
      return io::Status::failed(io::ErrorKind::kConstraint,
                                "idempotency_key already used for another order or amount");
    }
    return p;  // applied before: no money moves again
  }
  Payment p{req.idempotency_key, req.order_id, req.amount_cents, PaymentState::kCharged, "", ""};
  if (req.card == "declined") p.state = PaymentState::kDeclined, p.reason = "card declined";
  if (req.amount_cents > options_.max_charge_cents) {
    p.state = PaymentState::kDeclined, p.reason = "amount over the limit";
  }
  if (io::Status s = tx.insert(kPayments, row_of(p)); !s.is_ok()) return s;
  if (p.state == PaymentState::kCharged) {
    if (io::Status s = add_entry(tx, p.payment_id + "#charge", p, p.amount_cents); !s.is_ok())
      return s;
  }
  return p;
}

io::Result<Payment> PaymentService::refund_in(io::SqlTransaction& tx, const RefundRequest& req) {
  if (!options_.bug_refund_without_key) {
    auto done = tx.get(kProcessed, {req.idempotency_key});
    if (!done.is_ok()) return done.status();
    if (done.value()) {
      auto p = tx.get(kPayments, {req.charge_key});
      if (!p.is_ok()) return p.status();
      FL_ASSERT(p.value().has_value());
      return payment_from(*p.value());
    }
  }
  auto found = tx.get(kPayments, {req.charge_key});
  if (!found.is_ok()) return found.status();
  Payment p;
  if (!found.value()) {  // refunded before charged: a tombstone refuses the late charge
    p = {req.charge_key,     req.order_id, 0, PaymentState::kCancelled, "refunded before charged",
         req.idempotency_key};
    if (io::Status s = tx.insert(kPayments, row_of(p)); !s.is_ok()) return s;
  } else {
    p = payment_from(*found.value());
    // The known bug refunds whatever the charge's state, under a fresh entry id each time.
    const bool refund = options_.bug_refund_without_key ? p.state != PaymentState::kCancelled
                                                        : p.state == PaymentState::kCharged;
    if (refund) {
      const std::string entry =
          options_.bug_refund_without_key
              ? req.charge_key + "#refund-" + std::to_string(env_.random.next_u64())
              : req.charge_key + "#refund";
      if (io::Status s = add_entry(tx, entry, p, -p.amount_cents); !s.is_ok()) return s;
      p.state = PaymentState::kRefunded;
      p.refund_key = req.idempotency_key;
      if (io::Status s = tx.upsert(kPayments, row_of(p)); !s.is_ok()) return s;
    }
  }
  if (!options_.bug_refund_without_key) {
    if (io::Status s = tx.insert(kProcessed, {req.idempotency_key, req.charge_key}); !s.is_ok())
      return s;
  }
  return p;
}

io::Result<Payment> PaymentService::charge(const ChargeRequest& req) {
  if (io::Status s = check_key(req.idempotency_key, "idempotency_key"); !s.is_ok()) return s;
  if (req.order_id.size() > kMaxKeyBytes) return invalid("order_id: at most 256 bytes");
  if (req.amount_cents < 0 || req.amount_cents > kMaxAmountCents) {
    return invalid("amount_cents: 0..1000000000");
  }
  return saga::transact<Payment>(*env_.sql, env_.clock,
                                 [&](io::SqlTransaction& tx) { return charge_in(tx, req); });
}

io::Result<Payment> PaymentService::refund(const RefundRequest& req) {
  if (io::Status s = check_key(req.idempotency_key, "idempotency_key"); !s.is_ok()) return s;
  if (io::Status s = check_key(req.charge_key, "charge_key"); !s.is_ok()) return s;
  return saga::transact<Payment>(*env_.sql, env_.clock,
                                 [&](io::SqlTransaction& tx) { return refund_in(tx, req); });
}

io::Result<std::optional<Payment>> PaymentService::get(const std::string& payment_id) {
  return saga::read_row<Payment>(*env_.sql, kPayments, {payment_id}, payment_from);
}

io::Result<std::vector<LedgerEntry>> PaymentService::list_ledger(std::size_t limit) {
  return saga::read_rows<LedgerEntry>(
      *env_.sql, kLedger, limit, kMaxListLedger, [](const io::Row& r) {
        return LedgerEntry{text_at(r, kEntryId), text_at(r, kEntryOrder), text_at(r, kEntryPayment),
                           int_at(r, kEntryAmount)};
      });
}

io::Status PaymentService::apply_command(const saga::Command& c) {
  const bool charge_cmd = c.action == "charge";
  if (!charge_cmd && c.action != "refund") return invalid("payment: unknown action " + c.action);
  auto done =
      saga::transact<bool>(*env_.sql, env_.clock, [&](io::SqlTransaction& tx) -> io::Result<bool> {
        io::Result<Payment> p =
            charge_cmd ? charge_in(tx, {c.charge_key, c.order_id, c.amount_cents, c.card})
                       : refund_in(tx, {c.idempotency_key, c.charge_key, c.order_id});
        bool ok = false;
        std::string reason;
        if (p.is_ok()) {
          ok = !charge_cmd || p.value().state == PaymentState::kCharged;
          reason =
              ok ? "" : (p.value().reason.empty() ? to_string(p.value().state) : p.value().reason);
        } else if (p.status().kind() == io::ErrorKind::kConstraint && charge_cmd) {
          reason = p.status().message();
        } else {
          return p.status();
        }
        auto m = saga::reply_message(saga::reply_to(c, ok, reason), "r");
        if (io::Status s = outbox_.append(tx, m); !s.is_ok()) return s;
        return ok;
      });
  return done.status();
}

}  // namespace fl::payment
