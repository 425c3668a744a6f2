// The argument checks of CoordStore shared by its implementations.
#include "system/io/coord_store.h"

namespace fl::io {

Status check_coord_key(const std::string& key) {
  if (key.empty()) return Status::failed(ErrorKind::kInvalidArgument, "coord key is empty");
  if (key.size() > kMaxCoordKeyBytes) {
    return Status::failed(ErrorKind::kInvalidArgument,
                          "coord key over " + std::to_string(kMaxCoordKeyBytes) + " bytes");
  }
  return Status::ok();
}

Status check_coord_value(const std::string& value) {
  if (value.size() > kMaxCoordValueBytes) {
    return Status::failed(ErrorKind::kInvalidArgument,
                          "coord value over " + std::to_string(kMaxCoordValueBytes) + " bytes");
  }
  return Status::ok();
}

Status check_coord_ttl(std::int64_t ttl_s) {
  if (ttl_s < 1 || ttl_s > kMaxCoordLeaseTtlS) {
    return Status::failed(ErrorKind::kInvalidArgument, "lease ttl " + std::to_string(ttl_s) +
                                                           " s outside 1.." +
                                                           std::to_string(kMaxCoordLeaseTtlS));
  }
  return Status::ok();
}

}  // namespace fl::io
