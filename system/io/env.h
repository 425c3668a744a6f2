// Env: the bundle of seam resources a node's system code receives through its constructors.
// The composition root (scenarios/) builds one per node from sim/ or real/; system code never
// knows which. Members are references to objects that outlive the node incarnation.
#pragma once

#include "system/io/clock.h"
#include "system/io/coord_store.h"
#include "system/io/event_log.h"
#include "system/io/kv_cache.h"
#include "system/io/local_store.h"
#include "system/io/random.h"
#include "system/io/sql_store.h"
#include "system/io/tasks.h"
#include "system/io/transport.h"

namespace fl::io {

struct Env {
  Clock& clock;
  Random& random;  // this node incarnation's own stream
  Tasks& tasks;
  Transport& transport;
  // Data stores, present only on nodes that were given them (nullptr otherwise).
  SqlStore* sql = nullptr;
  KvCache* cache = nullptr;
  EventLog* events = nullptr;
  LocalStore* local = nullptr;  // the node's own disk (local_store.h), where it has one
  CoordStore* coord = nullptr;  // the coordination store (coord_store.h: etcd), where used
};

}  // namespace fl::io
