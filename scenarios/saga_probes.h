// Probes on a saga node's stores: decorators of io::SqlStore, io::EventLog and io::KvCache that
// count the node's durable step boundaries (each COMMIT that returned ok or indeterminate, each
// produce that returned, each cache write that returned) and call a hook after each one. The
// crash-point scenario uses the hook to crash the node exactly at the n-th boundary.
//
// Fault model: none by themselves; they forward every call unchanged, then run the hook (which
// may crash the calling node: the caller then unwinds with io::NodeCrashed before it can act on
// the result, which is what a crash right after the durable step looks like).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "system/io/event_log.h"
#include "system/io/kv_cache.h"
#include "system/io/sql_store.h"

namespace fl::scenarios {

// Called after each durable step of a node: (kind: "commit" | "produce" | "cache").
using DurableStepHook = std::function<void(const char* kind)>;

std::unique_ptr<io::SqlStore> probe_sql(io::SqlStore* inner, DurableStepHook hook);
std::unique_ptr<io::EventLog> probe_events(io::EventLog* inner, DurableStepHook hook);
std::unique_ptr<io::KvCache> probe_cache(io::KvCache* inner, DurableStepHook hook);

}  // namespace fl::scenarios
