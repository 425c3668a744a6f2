// The client loop: one client slot of a workload, driven by its Generator, recorded by the
// HistoryRecorder. Seam only, so the same loop runs on the simulator and on real IO.
//
// Loop: ask the generator for the next step; wait its interval on the Env's clock; record the
// invocation; invoke through the slot's Client; record the completion. After an info the slot's
// process is retired (a fresh number, a fresh Client: Jepsen reopens the client). The loop ends at
// `until_ns` (recorder time), when the generator is done, or after kMaxSteps.
#pragma once

#include <cstdint>
#include <memory>

#include "workloads/recorder.h"
#include "workloads/workload.h"

namespace fl::workloads {

struct ClientStats {
  std::int64_t ok = 0, fail = 0, info = 0;
  std::int64_t last_ok_ns = -1;  // recorder time of the latest ok completion
};

class ClientSlot {
 public:
  static constexpr std::int64_t kMaxSteps = 10'000'000;

  ClientSlot(Workload& workload, Generator& generator, HistoryRecorder& recorder,
             ProcessTable& processes, io::Env& env, int slot);

  // Runs generated operations until `until_ns` (recorder time) or the generator is done.
  void run_until(std::int64_t until_ns);
  // Performs one given invocation (final reads); returns its completion type.
  history::OpType perform(const Invocation& op);
  const ClientStats& stats() const { return stats_; }

 private:
  Workload& workload_;
  Generator& generator_;
  HistoryRecorder& recorder_;
  ProcessTable& processes_;
  io::Env& env_;
  int slot_;
  std::unique_ptr<Client> client_;
  ClientStats stats_;
};

}  // namespace fl::workloads
