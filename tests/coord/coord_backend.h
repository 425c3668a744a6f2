// CoordBackend: what the coordination-store contract test needs, so that one suite runs unchanged
// against the simulated etcd (sim/coord) and a real etcd started on loopback (real/servers/
// etcd.sh, through real::EtcdCoordStore). Every test body runs on a fiber of the backend's
// runtime.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "system/io/clock.h"
#include "system/io/coord_store.h"

namespace fl::coordtest {

class CoordBackend {
 public:
  virtual ~CoordBackend() = default;
  virtual std::string name() const = 0;
  // Runs `body` to completion against a fresh, empty store.
  virtual void run(const std::function<void()>& body) = 0;
  virtual io::Clock& clock() = 0;
  virtual io::CoordStore& store() = 0;
  // kill -9 of the store and a restart on the same data.
  virtual void crash() = 0;
  virtual void restart() = 0;
};

std::vector<std::string> coord_backend_names();
std::unique_ptr<CoordBackend> make_coord_backend(const std::string& name);

}  // namespace fl::coordtest
