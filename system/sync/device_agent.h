// DeviceAgent: a Device (device.h) as the app on a phone runs it, with a small local HTTP API
// through which the user (in simulation: the workload, over the simulated network) edits, reads
// and syncs, goes offline and back online. It syncs in the background while online, and at once
// on reconnect. The servers are tried from the device's home server on, the others in turn when
// one fails.
//
//   POST /device/edit     {"entity_id", "crdt_type", "operation": {"type", "value", "key"?}}
//                         -> 200 {"entity_id", "crdt_type", "dot", "observed", "version_vector",
//                         "hlc", "value"}; 409 another type; 400 a malformed operation
//   GET  /device/read     ?entity_id= -> 200 {"entity_id", "exists", "crdt_type", "value",
//                         "version_vector"}
//   POST /device/sync     {} -> 200 {"server", "uploaded", "downloaded", "merged", "pages",
//                         "dirty"}; 503 offline or every server failed (with their errors)
//   POST /device/offline  {"duration_ms"} -> 200: no sync until then (airplane mode)
//   POST /device/online   {} -> 200, and a sync starts
//   GET  /device/state    -> 200 {"device_id", "entities": {id: state}, "hash", "dirty"}
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "system/api/router.h"
#include "system/sync/device.h"

namespace fl::sync {

constexpr std::int64_t kMaxOfflineMs = 3600 * 1000;
constexpr std::size_t kMaxServers = 8;

struct AgentOptions {
  DeviceOptions device;
  std::vector<std::string> servers;  // in the device's order of preference (home first)
  // Background sync period while online, drawn in [0.5, 1.5] x this; 0: no background sync.
  std::int64_t sync_interval_ns = 1 * io::kNsPerSec;
};

class DeviceAgent {
 public:
  // REQUIRES: env.local (the device's disk); env outlives the agent. Does no IO.
  DeviceAgent(io::Env& env, AgentOptions options);
  DeviceAgent(const DeviceAgent&) = delete;
  DeviceAgent& operator=(const DeviceAgent&) = delete;

  // Recovers the device, then starts the background sync (when configured).
  io::Status start();
  void add_routes(api::Router& router);
  Device& device() { return device_; }

  io::Response edit(const api::ApiRequest& request);
  io::Response read(const api::ApiRequest& request);
  io::Response sync();
  io::Response offline(const api::ApiRequest& request);
  io::Response online();
  io::Response state();

 private:
  bool is_offline();
  void background();

  io::Env& env_;
  AgentOptions options_;
  Device device_;
  std::int64_t offline_until_ns_ = 0;  // monotonic; volatile: a restarted app starts online
};

}  // namespace fl::sync
