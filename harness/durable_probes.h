// Probes on a service node's stores: decorators (system/io/wrappers.h) of io::SqlStore,
// io::EventLog, io::KvCache and io::LocalStore that report each durable step boundary of the
// node — each COMMIT that returned ok or indeterminate, each produce that returned, each cache
// write that returned, each local-disk write that returned ok — to a hook, which may crash the
// node right there. The crash-point enumeration (crash_points.h) uses them to crash a node
// exactly after its n-th durable step.
//
// Fault model: none by themselves; they forward every call unchanged, then ask the hook. When the
// hook says "crash", the probe crashes the node through `crash` and yields on the node's Tasks,
// which unwinds the calling fiber with io::NodeCrashed before it can act on the result: what a
// kill -9 right after the durable step looks like.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "system/io/env.h"

namespace fl::harness {

// Returns true to crash the node now (kind: "commit" | "produce" | "cache" | "local").
using ProbeHook = std::function<bool(const char* kind)>;

// The probed stores of one node incarnation (owns the decorators; the inner stores outlive it).
struct ProbedStores {
  std::unique_ptr<io::SqlStore> sql;
  std::unique_ptr<io::KvCache> cache;
  std::unique_ptr<io::EventLog> events;
  std::unique_ptr<io::LocalStore> local;
  std::vector<std::unique_ptr<io::SqlStore>> shards;  // the shard sessions' probes
};

// Wraps every store `env` has and points `env` at the wrappers, and likewise each of `shards`
// (a node's sessions to shard servers) when given. `crash` crashes the node (the
// runtime's kill); afterwards the probe yields on env.tasks so the caller unwinds.
ProbedStores probe_stores(io::Env& env, ProbeHook hook, std::function<void()> crash,
                          std::vector<io::SqlStore*>* shards = nullptr);

}  // namespace fl::harness
