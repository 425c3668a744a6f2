// Running a TOML scenario: build the composition (workloads, nemeses, system), run it on the
// mode's Runtime through a chaos phase and a heal phase, record the history, and judge it.
//
// Phases (times on the harness clock, from the start of the clients):
//  chaos  [0, duration): the workloads' clients run their generators; the nemeses inject faults.
//         The nemeses stop every fault they started before the phase ends.
//  heal   [duration, duration + heal): "heal-all" is recorded and FaultPort::heal_all() called;
//         the clients keep running. Liveness: every workload must complete at least one ok
//         operation whose invocation started after the heal began.
//  final  each workload's final_ops() (final reads), each retried up to limits.final_attempts
//         times until ok; one that never completes ok is a liveness failure.
// Verdict: fail if a checker says false or a liveness/harness problem occurred; unknown if a
// checker could not decide (and none failed); pass otherwise.
#pragma once

#include <string>

#include "harness/result.h"
#include "harness/scenario_file.h"

namespace fl::harness {

// Runs `spec` for `options.seed` in `options.mode`. A spec that cannot run as given (invalid,
// mode not offered, a fault the mode refuses) returns with usage_error set.
RunResult run_toml_scenario(const ScenarioSpec& spec, const RunOptions& options);

// Loads `options.scenario` (a shipped name or a .toml path) with options.overrides and runs it.
RunResult run_toml_file(const std::string& path, const RunOptions& options);

}  // namespace fl::harness
