// Simulated local disks (local_disk.h).
#include "sim/local_disk.h"

#include "system/io/assert.h"

namespace fl::sim {

LocalDisk& SimLocalDisks::disk(const std::string& node) {
  auto it = disks_.find(node);
  if (it != disks_.end()) return it->second;
  FL_ASSERT_LT(disks_.size(), kMaxDisks);
  return disks_[node];
}

SimLocalStore::SimLocalStore(Simulator* sim, LocalDisk* disk) : sim_(sim), disk_(disk) {
  FL_ASSERT(sim != nullptr && disk != nullptr);
}

io::Result<std::optional<std::string>> SimLocalStore::get(const std::string& key) {
  sim_->check_alive();
  const auto it = disk_->find(key);
  if (it == disk_->end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

io::Result<io::LocalEntries> SimLocalStore::scan(const std::string& prefix, std::size_t limit) {
  FL_ASSERT(limit >= 1 && limit <= io::kMaxLocalScan);
  sim_->check_alive();
  io::LocalEntries out;
  for (auto it = disk_->lower_bound(prefix); it != disk_->end() && out.size() < limit; ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.emplace_back(it->first, it->second);
  }
  return out;
}

io::Status SimLocalStore::write(const io::LocalBatch& batch) {
  sim_->check_alive();
  if (std::string e = io::validate_local_batch(batch); !e.empty()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, e);
  }
  for (const io::LocalWrite& w : batch) {
    if (w.value) {
      (*disk_)[w.key] = *w.value;
    } else {
      disk_->erase(w.key);
    }
  }
  return io::Status::ok();
}

}  // namespace fl::sim
