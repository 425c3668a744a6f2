// FileLocalStore: io::LocalStore on a local directory (the device's disk in production, and the
// harness' client devices in real mode).
//
// Layout: one append-only file `<dir>/local.log` of batches; each batch is framed ("B <n>", its
// writes, "E") and appended with one write(2) followed by fsync(2) before write() returns ok, so
// an acknowledged batch survives kill -9 and power loss, and a batch torn by a crash (no "E") is
// ignored as a whole on the next open: atomic, as the contract asks. Opening replays the log into
// memory and rewrites it compacted (temporary file, fsync, rename, fsync of the directory); so does
// a write once the log has grown past kCompactFactor times the live data. Reads are served from
// memory. Single process, single thread (the fiber thread); no locking against other processes.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "system/io/local_store.h"

namespace fl::real {

class FileLocalStore final : public io::LocalStore {
 public:
  static constexpr std::size_t kCompactFactor = 4;
  static constexpr std::size_t kMinCompactBytes = 1 << 20;

  // Opens (creating the directory and the log if needed) and replays the log. nullptr and
  // *error when the directory or the log cannot be used.
  static std::unique_ptr<FileLocalStore> open(const std::string& dir, std::string* error);
  ~FileLocalStore() override;

  io::Result<std::optional<std::string>> get(const std::string& key) override;
  io::Result<io::LocalEntries> scan(const std::string& prefix, std::size_t limit) override;
  io::Status write(const io::LocalBatch& batch) override;

 private:
  explicit FileLocalStore(std::string dir) : dir_(std::move(dir)) {}
  std::string replay(const std::string& text);
  std::string compact();
  std::string log_path() const { return dir_ + "/local.log"; }

  std::string dir_;
  std::map<std::string, std::string> data_;
  std::size_t live_bytes_ = 0;
  std::size_t log_bytes_ = 0;
  int fd_ = -1;
};

// The framed text of one batch (exposed for tests of torn tails).
std::string encode_local_batch(const io::LocalBatch& batch);

}  // namespace fl::real
