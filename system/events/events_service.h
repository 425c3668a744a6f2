// EventsService: the CQRS event store of the seeds (port 8090) as one service on the seam: the
// store (store.h: commands, streams, snapshots, time travel) and its projections (projector.h:
// read models, the Kafka publisher). Every node that runs it serves the whole API; the
// store's transactions make any number of nodes safe side by side.
//
// Start-up is recovery: run() creates what is missing (tables, the counter, the checkpoints,
// the topic) and starts the projection loops, which resume from their durable checkpoints.
#pragma once

#include <memory>

#include "system/events/projector.h"
#include "system/events/store.h"
#include "system/io/env.h"

namespace fl::events {

struct EventsOptions {
  StoreOptions store;
  ProjectorOptions projector;
};

class EventsService {
 public:
  // REQUIRES: env.sql (env.events optional: without it nothing is published). Does no IO.
  EventsService(io::Env& env, EventsOptions options);
  EventsService(const EventsService&) = delete;
  EventsService& operator=(const EventsService&) = delete;

  // Init + recovery + the projection loops. Retryable failures mean a store is not up yet.
  io::Status run();

  EventStore& store() { return store_; }
  Projector& projector() { return projector_; }

 private:
  io::Env& env_;
  EventStore store_;
  Projector projector_;
};

}  // namespace fl::events
