// The saga scenarios (standalone, on SagaWorld): `saga` (order sagas under partitions, crashes,
// pauses, clock faults and Kafka redelivery drawn by the seed), its known-bug variants (each
// must FAIL), and `saga-crash-points` (exhaustive crashes at every durable step boundary).
#pragma once

#include "scenarios/saga_world.h"
#include "scenarios/scenario.h"

namespace fl::scenarios {

// Which known bug a run enables (none: the correct system).
enum class SagaBug : std::uint8_t {
  kNone,
  kNoInboxDedup,
  kPublishOutsideTxn,
  kCompensateUnchecked,
  kRefundWithoutKey,
};

RunResult run_saga(const RunOptions& options, SagaBug bug);
// Crashes each service node at each durable step boundary of a fault-free run, in turn.
RunResult run_saga_crash_points(const RunOptions& options, SagaBug bug = SagaBug::kNone);
// The world's options for a seed with `bug` enabled.
SagaWorldOptions saga_world_options(std::uint64_t seed, SagaBug bug);
// The registry entries of the saga scenarios.
std::vector<ScenarioInfo> saga_scenarios();

}  // namespace fl::scenarios
