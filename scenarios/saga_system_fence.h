// A fence around the store sessions and tasks that the embedded saga services (saga_system.h,
// shape "embedded") borrow from client slots: the services run on a FencedEnv whose SqlStore,
// KvCache, EventLog, Clock and Tasks forward to the client's, until close(). After close() every
// store call and every sleep throws io::NodeCrashed (as if the services' node died), so each
// service fiber ends at its next store call without touching the borrowed sessions again;
// live_fibers() counts the fibers spawned through the fence that have not ended. The workload
// closes the fence and waits for zero live fibers before the harness destroys the client sessions.
#pragma once

#include <memory>

#include "system/io/env.h"

namespace fl::scenarios {

class SagaFence {
 public:
  bool closed() const { return closed_; }
  void close() { closed_ = true; }
  int live_fibers() const { return live_; }
  // Throws io::NodeCrashed once closed.
  void check() const;

 private:
  friend class FencedTasks;
  bool closed_ = false;
  int live_ = 0;
};

// The fenced view of one client Env (owns the wrappers; `inner` and `fence` outlive it).
class FencedEnv {
 public:
  FencedEnv(io::Env& inner, SagaFence* fence);
  ~FencedEnv();
  FencedEnv(const FencedEnv&) = delete;
  FencedEnv& operator=(const FencedEnv&) = delete;
  io::Env& env() { return *env_; }

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::unique_ptr<io::Env> env_;
};

}  // namespace fl::scenarios
