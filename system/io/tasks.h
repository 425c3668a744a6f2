// Tasks: starting concurrent activities (fibers) on the calling node, and the node's identity.
//
// Crash model (what system code may rely on, and no more): when a node crashes, each of its fibers
// unwinds at its next suspension point (any blocking seam call) by an exception of type
// NodeCrashed. System code must let it pass: never `catch (...)` without rethrowing. Volatile
// state (everything owned by the node's fibers) is lost; what the node had made durable through a
// store's contract survives. A restart runs the node's start-up function again from the top.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace fl::io {

// Thrown into a crashed node's fibers. Not derived from std::exception on purpose, so that
// `catch (const std::exception&)` in system code does not swallow it.
struct NodeCrashed {
  std::string node;
};

class Tasks {
 public:
  Tasks() = default;
  Tasks(const Tasks&) = delete;
  Tasks& operator=(const Tasks&) = delete;
  virtual ~Tasks() = default;

  // This node's name ("orchestrator", "n3"); stable across restarts.
  virtual const std::string& node_name() const = 0;
  // Counts this node's starts: 1 on first start, +1 per restart. Durable, like a boot counter.
  virtual std::uint64_t incarnation() const = 0;

  // Starts `body` on a new fiber of this node. It runs concurrently with the caller (after the
  // caller's next suspension point at the latest) and dies with the node.
  // `name` is for diagnostics (deadlock reports, traces).
  virtual void spawn(std::string name, std::function<void()> body) = 0;

  // Lets other ready fibers run; a suspension point.
  virtual void yield() = 0;
};

}  // namespace fl::io
