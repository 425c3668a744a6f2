// Projections: catch-up subscriptions of the event store's own, each with a checkpoint in
// es_checkpoints.
//
//  - "read-models": folds the log into rm_accounts and rm_orders. Each batch is ONE read committed
//    transaction that first moves the checkpoint conditionally (UPDATE ... WHERE position = c:
//    the row lock serializes projectors on every node, and a projector that lost the race
//    rolls back), then reads the log after c (EventStore::read_log: gap-free) and writes the
//    rows: the checkpoint is stored atomically with the rows it covers, so every event is applied
//    exactly once, crash or no crash.
//  - "publisher": produces each event to Kafka (topic kEventsTopic, key = aggregate id, value =
//    the event as JSON), then moves its checkpoint. At least once: a crash between the produce
//    and the checkpoint, or two nodes publishing the same batch, produces duplicates, which
//    consumers drop by (aggregate_id, version). Within a key the first copies arrive in version
//    order, because a batch starts only after every event below it was acknowledged.
// Every service node runs both loops; their checkpoints make them safe to run concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "system/events/store.h"

namespace fl::events {

inline constexpr const char* kEventsTopic = "es.events";
constexpr int kEventsTopicPartitions = 4;
inline constexpr const char* kReadModelsProjection = "read-models";
inline constexpr const char* kPublisherProjection = "publisher";
constexpr std::size_t kMaxProjectBatch = 200;
constexpr std::size_t kMaxReadModelList = 1000;

struct AccountModel {
  std::string account_id;
  std::string owner;
  std::int64_t balance = 0;
  std::int64_t version = 0;   // events of the stream folded
  std::int64_t position = 0;  // of the last one
};

struct OrderModel {
  std::string order_id;
  std::string customer_id;
  std::string status;
  std::int64_t amount = 0;
  std::int64_t items = 0;
  std::int64_t items_total = 0;
  std::int64_t version = 0;
  std::int64_t position = 0;
};

// A projection's checkpoint move (ProjectorOptions::on_checkpoint): from one log position to a
// later one, past `events` events, by the node that made it.
struct CheckpointMove {
  std::string projection;  // kReadModelsProjection or kPublisherProjection
  std::int64_t from = 0, to = 0;
  std::size_t events = 0;
  bool acknowledged = true;  // false: the commit was indeterminate (it may not have happened)
};

struct ProjectorOptions {
  std::int64_t interval_ns = 20 * io::kNsPerMs;  // idle wait between batches
  std::size_t batch = 100;                       // events per batch, 1..kMaxProjectBatch
  // Told of every checkpoint move whose commit returned ok or indeterminate, right after it
  // returned (the harness records them for the run report's lanes; unset in production). It
  // must not block, suspend or do IO.
  std::function<void(const CheckpointMove&)> on_checkpoint;
};

class Projector {
 public:
  // REQUIRES: env.sql; store and env outlive it. Does no IO.
  Projector(io::Env& env, EventStore& store, ProjectorOptions options = {});
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // Creates the checkpoint rows (idempotent) and the Kafka topic when env.events is set.
  io::Status init();
  // Spawns the read-model loop and, when env.events is set, the publisher loop.
  void start();

  // One batch of each projection: how many events it applied (0: caught up or lost the race).
  io::Result<std::size_t> project_once();
  io::Result<std::size_t> publish_once();

  io::Result<std::optional<AccountModel>> account(const std::string& id);
  io::Result<std::optional<OrderModel>> order(const std::string& id);
  io::Result<std::vector<AccountModel>> accounts(std::size_t limit);
  io::Result<std::vector<OrderModel>> orders(std::size_t limit);
  // Every projection's checkpoint, by name.
  io::Result<std::map<std::string, std::int64_t>> checkpoints();

 private:
  void loop(const char* name, io::Result<std::size_t> (Projector::*once)());
  // Hands a move to options_.on_checkpoint unless it moved nothing or its commit failed.
  void tell(CheckpointMove move, const io::Status& commit) const;

  io::Env& env_;
  EventStore& store_;
  ProjectorOptions options_;
};

// The read-model rows (for the composition's final read).
AccountModel account_from(const io::Row& row);
OrderModel order_from(const io::Row& row);

}  // namespace fl::events
