// SimLocalDisks and SimLocalStore: the simulated local disks of nodes (io::LocalStore), for nodes
// that keep durable state of their own (offline-first devices).
//
// Fault model: a disk is an ordered map per node name, owned by the run rather than by a node
// incarnation, so a crash keeps it. Every write is applied atomically and synced before it
// returns ok (the contract's strongest case, which io::LocalStore promises): a kill -9 keeps every
// write that returned, and there is no power-loss model (nothing is ever unsynced, so the fault
// port's lose_unsynced has nothing more to drop). A crashed node's fiber that reaches the disk
// unwinds with io::NodeCrashed before touching it. Disk errors (full, unreadable) are not
// injected.
#pragma once

#include <map>
#include <string>

#include "sim/simulator.h"
#include "system/io/local_store.h"

namespace fl::sim {

using LocalDisk = std::map<std::string, std::string>;

// The disks of one run, by node name. Disks are created on first use and live until the run ends.
class SimLocalDisks {
 public:
  static constexpr std::size_t kMaxDisks = 1024;
  LocalDisk& disk(const std::string& node);

 private:
  std::map<std::string, LocalDisk> disks_;
};

// One node incarnation's view of its disk. REQUIRES: `sim` and `disk` outlive it.
class SimLocalStore final : public io::LocalStore {
 public:
  SimLocalStore(Simulator* sim, LocalDisk* disk);

  io::Result<std::optional<std::string>> get(const std::string& key) override;
  io::Result<io::LocalEntries> scan(const std::string& prefix, std::size_t limit) override;
  io::Status write(const io::LocalBatch& batch) override;

 private:
  Simulator* sim_;
  LocalDisk* disk_;
};

}  // namespace fl::sim
