// The "sync-crdt" workload's parts shared by workload.cc (options, generator, final ops) and
// client.cc (how each operation is performed). Internal to compose/sync.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "system/api/router.h"
#include "system/sync/device_agent.h"
#include "workloads/workload.h"

namespace fl::compose {

struct SyncWorkloadConfig {
  int servers = 2;
  int devices = 4;
  bool device_nodes = true;
  std::vector<sync::CrdtType> types;
  std::int64_t offline_ms = 5000;
  std::int64_t settle_ns = 60 * io::kNsPerSec;
  int elements = 4;  // ORSet elements x0.. and LWWMap keys k0..
};

// The devices the workload plays itself (device_nodes = false): agents on the setup Env's disk.
class DeviceHub {
 public:
  io::Status start(io::Env& env, const SyncWorkloadConfig& config);
  bool started() const { return !routers_.empty(); }
  io::Response call(const std::string& device, const io::Request& request);

 private:
  std::vector<std::unique_ptr<sync::DeviceAgent>> agents_;
  std::map<std::string, std::unique_ptr<api::Router>> routers_;
};

// Performs the workload's operations (client.cc).
std::unique_ptr<workloads::Client> make_sync_client(const SyncWorkloadConfig& config,
                                                    DeviceHub* hub, io::Env& env);

}  // namespace fl::compose
