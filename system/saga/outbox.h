// Transactional outbox: messages a service wants to publish are written as rows of its own
// outbox table in the same transaction as the state change they announce, and a relay fiber
// publishes them to the EventLog afterwards (at least once: a produce whose acknowledgement was
// lost is produced again, so consumers deduplicate by the message's idempotency key).
//
// Contract: a message appended in a transaction that commits is eventually produced (while the
// EventLog is reachable and the node runs), possibly more than once; a message appended in a
// transaction that does not commit is never produced. A row is deleted only after its produce
// returned ok.
#pragma once

#include <cstdint>
#include <string>

#include "system/io/env.h"

namespace fl::saga {

constexpr std::size_t kRelayBatch = 32;
constexpr std::int64_t kRelayIdleNs = 10 * io::kNsPerMs;
constexpr std::int64_t kRelayErrorBackoffNs = 100 * io::kNsPerMs;

struct OutboxMessage {
  std::string id;  // unique per logical message; the primary key
  std::string topic;
  std::string key;  // EventLog partitioning key
  std::string payload;
};

class Outbox {
 public:
  // `table`: this service's outbox table name ("saga_outbox", "inventory_outbox", ...).
  explicit Outbox(std::string table) : table_(std::move(table)) {}

  io::TableSchema schema() const;
  const std::string& table() const { return table_; }

  // Writes the message inside `tx` (an upsert: appending the same id twice keeps one row).
  io::Status append(io::SqlTransaction& tx, const OutboxMessage& message) const;

  // One relay pass: produces up to kRelayBatch rows and deletes the ones produced ok.
  // Returns how many were produced, or the error that stopped the pass.
  io::Result<std::size_t> relay_once(io::Env& env) const;

  // The relay fiber's body: relay passes until the node dies. REQUIRES: env.events, env.sql.
  void relay_forever(io::Env& env) const;

 private:
  std::string table_;
};

}  // namespace fl::saga
