#include "sim/trace.h"

#include <cstdio>

#include "system/io/random.h"

namespace fl::sim {

void Trace::note(std::int64_t time_ns, std::string_view text) {
  fold(TraceTag::kNote, io::hash_bytes(text));
  if (lines_.size() >= max_lines_) {
    ++dropped_;
    return;
  }
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%.6f ", static_cast<double>(time_ns) / 1e9);
  lines_.push_back(std::string(prefix) + std::string(text));
}

std::string Trace::hash_hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
  return buf;
}

}  // namespace fl::sim
