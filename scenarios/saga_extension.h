// The saga extension hook that harness_registry.cc includes when present: registers the saga
// system ("saga": orchestrator and participants as service nodes) and its workload
// ("saga-orders"). Defined in scenarios/saga_system.cc.
#pragma once

namespace fl::scenarios {

void register_saga_extension();

}  // namespace fl::scenarios
