// The sync composition: the seeds' offline-first sync service (system/sync) as a system of two or
// more server regions and offline-first devices. Its service "sync" (8091) runs on nodes
// sync1..syncN, each region with its own tables (one set per region: the harness has one
// PostgreSQL cluster, so regions share the server, never a table; see docs/sync.md); its devices
// d1..dM run the device library on simulated nodes with local disks of their own (or, with
// device_nodes = false, inside the workload on the clients' disks: real mode); its workload
// "sync-crdt" edits, reads and syncs on the devices and takes them offline; its system check
// "sync" (check.cc) judges the history: convergence, no lost acknowledged update per type,
// session guarantees, bounded metadata.
//
// System options: servers [2] (1..4), devices [4] (1..16), device_nodes [true], sync_interval_ms
// [1000] (a device's background sync), anti_entropy_ms [200], bug ["none"]: "lww-wall-clock",
// "lww-no-tiebreak", "orset-remove-by-element", "vv-compare" (simulation only,
// docs/known-bugs.md).
#pragma once

#include <string>
#include <vector>

#include "checkers/registry.h"
#include "history/history.h"

namespace fl::compose {

constexpr int kMaxSyncServers = 4;
constexpr int kMaxSyncDevices = 16;

std::string sync_server_name(int i);  // "sync1", ...
std::string sync_device_name(int i);  // "d1", ...

// The known-bug switches, "none" first.
const std::vector<std::string>& sync_bug_names();

// The system check "sync" over a run's history (check.cc).
checkers::CheckOutcome judge_sync(const history::History& history);

// Registers the service "sync", the system "sync" and the workload "sync-crdt".
void register_sync();

// Defined in services.cc, system.cc, workload.cc and bench.cc; called by register_sync() only.
void register_sync_service();
void register_sync_system();
void register_sync_workload();
void register_sync_benchmark();

}  // namespace fl::compose
