#include "nemeses/fault_port.h"

namespace fl::nemeses {

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kOneWay:
      return "one-way";
    case FaultKind::kLinkFaults:
      return "link-faults";
    case FaultKind::kKill:
      return "kill";
    case FaultKind::kLoseUnsynced:
      return "lose-unsynced";
    case FaultKind::kPause:
      return "pause";
    case FaultKind::kClock:
      return "clock";
  }
  return "?";
}

}  // namespace fl::nemeses
