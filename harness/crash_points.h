// Crash points, enumerated rather than sampled (a scenario's [crash_points] table). A fault-free
// run of the scenario counts each service node's durable steps (each COMMIT, each produce, each
// cache write: durable_probes.h). Then, for every node and every step b in turn, the same seed
// runs again with that node crashed right after its b-th durable step (before it can act on the
// result) and restarted restart_after later, and the run must pass: every workload's checks, its
// final reads and the system's checks hold after recovery. Determinism makes the enumeration
// exact: run b reaches the same b-th step as the fault-free run did.
//
// The result fails when any run fails (each problem names the node and the step, bounded); its
// trace hash folds every run's hash, so replaying it checks all of them; its history is the first
// failing run's (or the fault-free run's when all pass), its details count the steps per node.
// Simulation only (real mode refuses the probes).
#pragma once

#include <functional>

#include "harness/result.h"
#include "harness/runtime.h"
#include "harness/scenario_file.h"

namespace fl::harness {

// One run of the scenario with the given hook on every service node's durable steps.
using RunWithHook = std::function<RunResult(const DurableStepHook& hook)>;

constexpr std::size_t kMaxCrashPointProblems = 50;

RunResult run_crash_points(const ScenarioSpec& spec, const RunOptions& options,
                           const RunWithHook& run);

}  // namespace fl::harness
