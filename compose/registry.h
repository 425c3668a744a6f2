// Every system composition, registered in one place (registry.cc): adding a system adds one line
// there. A composition registers its services (service.h), its harness system (topology.h) and
// its workloads (workloads/workload.h).
#pragma once

namespace fl::compose {

// Registers every composition once; later calls do nothing. Every registry lookup calls it.
void register_all();

}  // namespace fl::compose
