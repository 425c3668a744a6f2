// FileLocalStore (file_local_store.h).
#include "real/file_local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "system/io/assert.h"

namespace fl::real {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// Writes all of `text` to `fd` and syncs it. "" or the error.
std::string write_all_and_sync(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errno_text("write");
    done += static_cast<std::size_t>(n);
  }
  return ::fsync(fd) == 0 ? "" : errno_text("fsync");
}

std::string sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return errno_text("open " + dir);
  const int r = ::fsync(fd);
  ::close(fd);
  return r == 0 ? "" : errno_text("fsync " + dir);
}

// Reads one framed batch at `*at`; false when the rest is torn or malformed (it is ignored).
bool read_batch(const std::string& text, std::size_t* at, io::LocalBatch* out) {
  std::size_t count = 0;
  std::size_t pos = *at;
  auto line = [&](std::string* l) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) return false;
    *l = text.substr(pos, nl - pos);
    pos = nl + 1;
    return true;
  };
  std::string l;
  if (!line(&l) || std::sscanf(l.c_str(), "B %zu", &count) != 1) return false;
  if (count > io::kMaxLocalBatch) return false;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t klen = 0, vlen = 0;
    if (!line(&l)) return false;
    const bool set = std::sscanf(l.c_str(), "S %zu %zu", &klen, &vlen) == 2;
    if (!set && std::sscanf(l.c_str(), "D %zu", &klen) != 1) return false;
    const std::size_t need = klen + (set ? vlen : 0) + 1;
    if (pos + need > text.size() || text[pos + need - 1] != '\n') return false;
    io::LocalWrite w{text.substr(pos, klen), std::nullopt};
    if (set) w.value = text.substr(pos + klen, vlen);
    out->push_back(std::move(w));
    pos += need;
  }
  if (!line(&l) || l != "E") return false;
  *at = pos;
  return true;
}

}  // namespace

std::string encode_local_batch(const io::LocalBatch& batch) {
  std::string out = "B " + std::to_string(batch.size()) + "\n";
  for (const io::LocalWrite& w : batch) {
    if (w.value) {
      out += "S " + std::to_string(w.key.size()) + " " + std::to_string(w.value->size()) + "\n";
      out += w.key + *w.value + "\n";
    } else {
      out += "D " + std::to_string(w.key.size()) + "\n" + w.key + "\n";
    }
  }
  return out + "E\n";
}

std::unique_ptr<FileLocalStore> FileLocalStore::open(const std::string& dir, std::string* error) {
  FL_ASSERT(error != nullptr);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "local store " + dir + ": " + ec.message();
    return nullptr;
  }
  std::unique_ptr<FileLocalStore> store(new FileLocalStore(dir));
  std::ifstream in(store->log_path(), std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  *error = store->replay(text.str());
  if (error->empty()) *error = store->compact();
  if (!error->empty()) return nullptr;
  return store;
}

FileLocalStore::~FileLocalStore() {
  if (fd_ >= 0) ::close(fd_);
}

std::string FileLocalStore::replay(const std::string& text) {
  std::size_t at = 0;
  io::LocalBatch batch;
  while (at < text.size()) {
    batch.clear();
    if (!read_batch(text, &at, &batch)) break;  // a torn tail: the batch never happened
    for (auto& w : batch) {
      if (w.value) {
        data_[w.key] = std::move(*w.value);
      } else {
        data_.erase(w.key);
      }
    }
  }
  return "";
}

// Rewrites the log as one batch per key group (the live data), atomically, and reopens it.
std::string FileLocalStore::compact() {
  std::string text;
  io::LocalBatch batch;
  live_bytes_ = 0;
  for (const auto& [k, v] : data_) {
    batch.push_back({k, v});
    live_bytes_ += k.size() + v.size();
    if (batch.size() == io::kMaxLocalBatch) {
      text += encode_local_batch(batch);
      batch.clear();
    }
  }
  if (!batch.empty()) text += encode_local_batch(batch);
  const std::string tmp = log_path() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_text("open " + tmp);
  std::string e = write_all_and_sync(fd, text);
  ::close(fd);
  if (e.empty() && ::rename(tmp.c_str(), log_path().c_str()) != 0) e = errno_text("rename");
  if (e.empty()) e = sync_dir(dir_);
  if (!e.empty()) return "local store " + dir_ + ": " + e;
  const int reopened = ::open(log_path().c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (reopened < 0) return errno_text("open " + log_path());
  if (fd_ >= 0) ::close(fd_);
  fd_ = reopened;
  log_bytes_ = text.size();
  return "";
}

io::Result<std::optional<std::string>> FileLocalStore::get(const std::string& key) {
  const auto it = data_.find(key);
  if (it == data_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

io::Result<io::LocalEntries> FileLocalStore::scan(const std::string& prefix, std::size_t limit) {
  FL_ASSERT(limit >= 1 && limit <= io::kMaxLocalScan);
  io::LocalEntries out;
  for (auto it = data_.lower_bound(prefix); it != data_.end() && out.size() < limit; ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.emplace_back(it->first, it->second);
  }
  return out;
}

io::Status FileLocalStore::write(const io::LocalBatch& batch) {
  if (std::string e = io::validate_local_batch(batch); !e.empty()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, e);
  }
  FL_ASSERT(fd_ >= 0);
  const std::string text = encode_local_batch(batch);
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  if (std::string e = write_all_and_sync(fd_, text); !e.empty()) {
    // Nothing of a failed append may count: cut it off (a torn tail is ignored on open anyway).
    if (before >= 0 && ::ftruncate(fd_, before) != 0) e += "; " + errno_text("ftruncate");
    return io::Status::failed(io::ErrorKind::kUnavailable, "local store " + dir_ + ": " + e);
  }
  for (const io::LocalWrite& w : batch) {
    const auto it = data_.find(w.key);
    if (it != data_.end()) live_bytes_ -= it->first.size() + it->second.size();
    if (w.value) {
      data_[w.key] = *w.value;
      live_bytes_ += w.key.size() + w.value->size();
    } else if (it != data_.end()) {
      data_.erase(it);
    }
  }
  log_bytes_ += text.size();
  // The batch is durable whatever compaction does: a failed compaction leaves the longer log
  // (still valid and still open) and is tried again after the next write.
  if (log_bytes_ > kCompactFactor * live_bytes_ + kMinCompactBytes) (void)compact();
  return io::Status::ok();
}

}  // namespace fl::real
