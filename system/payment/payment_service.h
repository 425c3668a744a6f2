// PaymentService: charges and refunds, each applied at most once per idempotency key.
//
// A charge is identified by its idempotency key (the payment id). Charging with a key seen
// before returns the recorded payment and moves no money. A refund names the charge it undoes and
// carries its own idempotency key: it moves the charged amount back once; refunding a charge that
// was never made records a tombstone (state cancelled) so that a late charge with that key is
// refused. Every money movement is one row of the ledger (payment_ledger), so "charged exactly
// once" and "nets zero" can be checked from the ledger alone.
//
// Tables (owned here only): payments, payment_ledger, payment_processed, payment_outbox.
// Saga commands (topic kPaymentCommands): "charge", "refund".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/saga/messages.h"
#include "system/saga/outbox.h"
#include "system/saga/participant.h"

namespace fl::payment {

constexpr std::size_t kMaxKeyBytes = 256;
constexpr std::int64_t kMaxAmountCents = 1'000'000'000;
constexpr std::size_t kMaxListLedger = 10000;

enum class PaymentState : std::uint8_t {
  kCharged,    // money taken
  kDeclined,   // refused: no money moved
  kRefunded,   // taken, then given back
  kCancelled,  // refunded before it was charged (tombstone): no money moved
};
const char* to_string(PaymentState state);

struct Payment {
  std::string payment_id;  // the charge's idempotency key
  std::string order_id;
  std::int64_t amount_cents = 0;
  PaymentState state = PaymentState::kCharged;
  std::string reason;      // for declined: why
  std::string refund_key;  // the refund that undid it, if any
};

struct ChargeRequest {
  std::string idempotency_key;  // 1..kMaxKeyBytes
  std::string order_id;
  std::int64_t amount_cents = 0;  // 0..kMaxAmountCents
  std::string card;               // "declined" is refused (a test card)
};

struct RefundRequest {
  std::string idempotency_key;  // the refund's own key
  std::string charge_key;       // the charge to undo
  std::string order_id;
};

// One money movement: +amount for a charge, -amount for a refund.
struct LedgerEntry {
  std::string entry_id;
  std::string order_id;
  std::string payment_id;
  std::int64_t amount_cents = 0;
};

struct PaymentOptions {
  std::int64_t max_charge_cents = 100'000'00;  // larger charges are declined
  // Known bug (off by default): refunds ignore their idempotency key and the charge's state,
  // so a redelivered refund moves money again.
  bool bug_refund_without_key = false;
};

class PaymentService final : public saga::Participant {
 public:
  // REQUIRES: env.sql. Does no IO.
  explicit PaymentService(io::Env& env, PaymentOptions options = {});
  PaymentService(const PaymentService&) = delete;
  PaymentService& operator=(const PaymentService&) = delete;

  // init() and run() (tables, topics, outbox relay, command consumer): saga::Participant.

  // ok with kCharged or kDeclined (now or earlier for this key), or kCancelled (refunded
  // first). failed kConstraint: the key was used for another order or amount.
  io::Result<Payment> charge(const ChargeRequest& request);
  // ok with the charge's final state (kRefunded, kCancelled or kDeclined); idempotent.
  io::Result<Payment> refund(const RefundRequest& request);
  io::Result<std::optional<Payment>> get(const std::string& payment_id);
  io::Result<std::vector<LedgerEntry>> list_ledger(std::size_t limit);

  io::Status apply_command(const saga::Command& command) override;
  static std::vector<io::TableSchema> schemas();

 private:
  io::Result<Payment> charge_in(io::SqlTransaction& tx, const ChargeRequest& request);
  io::Result<Payment> refund_in(io::SqlTransaction& tx, const RefundRequest& request);

  PaymentOptions options_;
};

}  // namespace fl::payment
