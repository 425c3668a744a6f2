// The participant side of the saga protocol, shared by inventory, payment and notification:
// a consumer of one command topic that applies each command idempotently and answers through
// the participant's own outbox.
//
// Contract for `apply`: in ONE transaction, look the command's idempotency key up in the
// participant's own tables; if it was applied before, re-append the recorded reply; otherwise
// apply the action, record the key with its reply, and append the reply to the outbox. Commands
// arrive at least once (EventLog redelivery, orchestrator retries), in any order across keys.
// Offsets are committed after a batch is applied; a record that keeps failing is dropped after
// kMaxCommandAttempts (the orchestrator's timeout resends it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/saga/messages.h"
#include "system/saga/outbox.h"

namespace fl::saga {

constexpr std::size_t kCommandBatch = 32;
constexpr int kMaxCommandAttempts = 20;
constexpr std::int64_t kCommandRetryBackoffNs = 20 * io::kNsPerMs;
constexpr std::int64_t kCommandRetryBackoffMaxNs = 1 * io::kNsPerSec;
constexpr std::int64_t kPollWaitNs = 100 * io::kNsPerMs;
constexpr int kMaxSubscribeAttempts = 1000;

using CommandApplier = std::function<io::Status(const Command&)>;

// Subscribes `group` to `topic` and applies commands until the node dies.
// REQUIRES: env.events. Called on a fiber of its own.
void consume_commands(io::Env& env, const std::string& group, const std::string& topic,
                      const CommandApplier& apply);

// The reply a participant appends for a command (ok or refused with a reason).
Reply reply_to(const Command& command, bool ok, std::string reason);

// The outbox message carrying a reply. Its id is unique per (key, copy): a duplicate command
// re-sends the recorded reply under a new id.
OutboxMessage reply_message(const Reply& reply, const std::string& copy_tag);

// Starts-time helper: creates the topics a service uses (bounded retries).
io::Status create_topics(io::Env& env, const std::vector<std::string>& topics);

// The start-up plumbing every participant shares: its tables, its command topic and the replies
// topic, its outbox relay and its command consumer. A participant service derives from it,
// declares its wiring and tables, and implements apply_command().
struct ParticipantWiring {
  std::string name;            // "inventory": the consumer group, and fiber names
  std::string commands_topic;  // kInventoryCommands
  std::string outbox_table;    // "inventory_outbox"
};

class Participant {
 public:
  Participant(const Participant&) = delete;
  Participant& operator=(const Participant&) = delete;
  virtual ~Participant() = default;

  // Creates the participant's tables and, when env.events is set, its topics. Idempotent.
  io::Status init();
  // init(), then the outbox relay and command consumer fibers, which run until the node dies.
  // REQUIRES: env.events.
  io::Status run();
  // Applies one saga command (the contract at the top of this file).
  virtual io::Status apply_command(const Command& command) = 0;

 protected:
  // REQUIRES: env.sql; `env` outlives the participant. Does no IO.
  Participant(io::Env& env, ParticipantWiring wiring, std::vector<io::TableSchema> schemas);

  io::Env& env_;
  Outbox outbox_;

 private:
  ParticipantWiring wiring_;
  std::vector<io::TableSchema> schemas_;
};

}  // namespace fl::saga
