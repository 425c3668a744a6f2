// LocalStore: a node's own disk, for state that must survive a crash of the node but lives on no
// server: an offline-first device's local replica (system/sync/device.h) is the first user. The
// other stores are servers reached over the network; this one is reachable while the node is
// partitioned from everything, which is the point of offline-first.
//
// Contract (what callers may rely on, and no more):
//  - write(): applies the batch atomically (all of it or none) and durably: ok means every write
//    of it survives any later crash of the node (it was synced to disk before ok). failed means
//    none of it was applied: kInvalidArgument for a key or value over the limits below or an
//    empty key, kUnavailable when the disk refuses (full, unwritable). Never indeterminate: a
//    crash during write() ends the caller, and the batch is then wholly applied or not at all.
//  - get() and scan() read what the last ok writes left; they fail with kUnavailable only when
//    the disk cannot be read.
//  - Calls are local disk accesses: they may block the node's thread briefly but are not
//    suspension points of the calling fiber (no other fiber of the node runs in between), so a
//    read-modify-write made of get() and write() without another seam call between them is not
//    interleaved with the node's other fibers. A crash-point probe (harness/durable_probes.h) may
//    end the caller right after an ok write(), as a kill -9 there would.
// Implementations: sim/local_disk.h (a map per node that a crash keeps) and
// real/file_local_store.h (an fsynced append-only file per directory).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "system/io/status.h"

namespace fl::io {

constexpr std::size_t kMaxLocalKeyBytes = 1024;
constexpr std::size_t kMaxLocalValueBytes = 1 << 20;
constexpr std::size_t kMaxLocalBatch = 1024;   // writes per batch
constexpr std::size_t kMaxLocalScan = 100000;  // keys per scan

struct LocalWrite {
  std::string key;
  std::optional<std::string> value;  // nullopt: delete the key
};
using LocalBatch = std::vector<LocalWrite>;
using LocalEntries = std::vector<std::pair<std::string, std::string>>;

class LocalStore {
 public:
  LocalStore() = default;
  LocalStore(const LocalStore&) = delete;
  LocalStore& operator=(const LocalStore&) = delete;
  virtual ~LocalStore() = default;

  // The value under `key`, or nullopt when there is none.
  virtual Result<std::optional<std::string>> get(const std::string& key) = 0;
  // The keys starting with `prefix` and their values, in key order, at most `limit` of them.
  // REQUIRES: 1 <= limit <= kMaxLocalScan.
  virtual Result<LocalEntries> scan(const std::string& prefix, std::size_t limit) = 0;
  // Applies `batch` atomically and durably (see the file comment). REQUIRES: batch.size() <=
  // kMaxLocalBatch.
  virtual Status write(const LocalBatch& batch) = 0;
};

// "" when every write of `batch` fits the limits above, else what does not.
std::string validate_local_batch(const LocalBatch& batch);

}  // namespace fl::io
