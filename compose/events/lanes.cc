// The event store's lanes in the run report (compose/timeline.h): one lane per projection (its
// subscriber checkpoint, group "checkpoints"), fed by the projector's on_checkpoint hook after
// each commit returned. A bar starts where a node moved the checkpoint and lasts until the next
// bar; it is labelled with the position reached, the events moved past since that node's previous
// bar and the node. Checkpoints move every few milliseconds and a lane holds at most
// TimelineLog::kMaxEventsPerLane events, so each node starts at most one bar per kMinBarNs of its
// own monotonic clock: a bar much longer than that is a projection standing still (its
// subscribers stalled or cut off). A move whose commit was indeterminate is always a marker
// "unknown" (the checkpoint may or may not have moved).
#include <map>
#include <memory>

#include "compose/events/events.h"
#include "compose/timeline.h"

namespace fl::compose {
namespace {

constexpr std::int64_t kMinBarNs = 1'000'000'000;

struct Sampled {
  bool any = false;
  std::int64_t at_ns = 0;  // the node's monotonic time of its last bar
  std::size_t events = 0;  // moved past since then
};

}  // namespace

std::function<void(const events::CheckpointMove&)> checkpoint_lane_recorder(
    std::shared_ptr<TimelineLog> log, io::Clock& clock, std::string node) {
  auto last = std::make_shared<std::map<std::string, Sampled>>();  // by projection
  return [log, &clock, node, last](const events::CheckpointMove& m) {
    Sampled& s = (*last)[m.projection];
    s.events += m.events;
    const std::string label =
        "at " + std::to_string(m.to) + " (+" + std::to_string(s.events) + ", " + node + ")";
    if (!m.acknowledged) {
      log->mark("checkpoints", m.projection, label + " indeterminate", "unknown");
      return;
    }
    const std::int64_t now = clock.monotonic_ns();
    if (s.any && now - s.at_ns < kMinBarNs) return;
    log->begin("checkpoints", m.projection, label, "ok");
    log->add_key(m.projection, m.projection);
    s = {true, now, 0};
  };
}

}  // namespace fl::compose
