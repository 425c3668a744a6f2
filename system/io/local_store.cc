#include "system/io/local_store.h"

namespace fl::io {

std::string validate_local_batch(const LocalBatch& batch) {
  if (batch.size() > kMaxLocalBatch) {
    return "a local batch of " + std::to_string(batch.size()) + " writes (max " +
           std::to_string(kMaxLocalBatch) + ")";
  }
  for (const LocalWrite& w : batch) {
    if (w.key.empty() || w.key.size() > kMaxLocalKeyBytes) {
      return "a local key of " + std::to_string(w.key.size()) + " bytes (1.." +
             std::to_string(kMaxLocalKeyBytes) + ")";
    }
    if (w.value && w.value->size() > kMaxLocalValueBytes) {
      return "a local value of " + std::to_string(w.value->size()) + " bytes under " + w.key;
    }
  }
  return "";
}

}  // namespace fl::io
