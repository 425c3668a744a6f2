// MoveController: online moves of one vnode from its shard to another, as Vitess' MoveTables /
// Reshard workflows do them (docs/shard.md, "The move protocol"). State lives in the metadata
// database (table shard_moves) and every step is idempotent, so a controller killed at any
// point resumes the move where it stood when it starts again:
//
//   copying      mark the source's fence "moving" (its writers now log to the changelog; the
//                conditional update waits for writers in flight), clear the target's leftovers,
//                copy the vnode's rows in ONE repeatable-read snapshot of the source that also
//                reads the fence's change sequence: the snapshot position.
//   catching_up  apply the source's changelog after the position to the target (each key's
//                current row at a newer snapshot, with that snapshot's position), until a round
//                has little left to apply.
//   cutover      fence the source for the vnode at a new epoch (owned = false; waits for the
//                writers that hold the fence row: the drain; refuses every later write and
//                read), final catch-up, verify (row diff of source and target), give the target
//                its fence at the new epoch, and switch the map and the move's state in one
//                metadata transaction.
//   switched     delete the vnode's rows and changelog from the source.
//   completed | rolling_back -> rolled_back (unfence the source, at the new epoch if it was
//                fenced, and clear the target's copy).
//
// One move at a time (a second is refused while one is active). Writes to the vnode are refused
// from the source fence to the map switch: the write unavailability, reported per move.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "system/shard/shard_map.h"

namespace fl::shard {

constexpr int kMaxMoveStepAttempts = 200;   // failed attempts of a step before rolling back
constexpr int kMaxCatchupRounds = 20;       // catch-up rounds before the cutover
constexpr std::size_t kCutoverBacklog = 4;  // changes in a round small enough to cut over
constexpr std::size_t kMaxCatchupChanges = 5000;
constexpr std::size_t kMaxMoveRows = 20000;  // rows of one vnode per table
constexpr std::size_t kCopyBatchRows = 100;
constexpr std::size_t kMaxListedMoves = 100;

extern const char* const kMovesTable;  // metadata: shard_moves

struct MoveOptions {
  int vnodes = 64;
  int initial_shards = 0;  // as RouterOptions
  std::int64_t idle_poll_ns = 50 * io::kNsPerMs;
  std::int64_t retry_ns = 100 * io::kNsPerMs;
  // The cutover's row diff (Vitess' VDiff): a difference rolls the move back. Off, the cutover
  // trusts the catch-up.
  bool verify = true;
  // Known bugs (simulation only), each a classic mistake of online moves:
  bool bug_cutover_before_catchup = false;  // switch without the final catch-up and verify
  bool bug_no_source_fence = false;         // switch without fencing (and draining) the source
  bool bug_catchup_after_snapshot = false;  // take the position after the copy, not in it
};

struct MoveRecord {
  std::int64_t id = 0;
  int vnode = 0;
  int source = 0;
  int target = 0;
  std::string state;  // copying | catching_up | cutover | switched | completed | rolling_back |
                      // rolled_back
  std::int64_t position = 0;   // changelog position the target has reached
  std::int64_t new_epoch = 0;  // the cutover's epoch (0 before the cutover)
  std::int64_t fenced_ns = 0;  // controller's monotonic clock at the source fence (0: not yet)
  std::int64_t switched_ns = 0;
  std::int64_t incarnation = 0;  // the controller incarnation that fenced (clocks restart)
  int rounds = 0;                // catch-up rounds so far
  std::string note;              // why it rolled back
  bool active() const { return state != "completed" && state != "rolled_back"; }
};

class MoveController {
 public:
  MoveController(io::Env& env, io::SqlStore& meta, std::vector<io::SqlStore*> shards,
                 MoveOptions options);
  MoveController(const MoveController&) = delete;
  MoveController& operator=(const MoveController&) = delete;

  // Tables and the initial map (idempotent); then start() runs the moves on a fiber.
  io::Status init();
  void start();

  // Starts moving `vnode` to shard `target` (-1: the shard after its owner). kInvalidArgument for a
  // bad vnode or target or a target that already owns it; kConstraint while another move is active.
  io::Result<MoveRecord> start_move(int vnode, int target);
  io::Result<std::optional<MoveRecord>> find_move(std::int64_t id);
  io::Result<std::vector<MoveRecord>> list_moves();
  io::Result<ShardMap> map();
  int shard_count() const { return static_cast<int>(shards_.size()); }
  const MoveOptions& options() const { return options_; }

 private:
  void run();
  io::Status step(MoveRecord& move);
  io::Status step_copying(MoveRecord& move);
  io::Status step_catching_up(MoveRecord& move);
  io::Status step_cutover(MoveRecord& move);
  io::Status step_switched(MoveRecord& move);
  io::Status step_rolling_back(MoveRecord& move);
  io::Status save(const MoveRecord& move);
  io::Result<std::optional<MoveRecord>> active_move();

  io::Env& env_;
  io::SqlStore& meta_;
  std::vector<io::SqlStore*> shards_;
  MoveOptions options_;
};

io::TableSchema moves_schema();
io::Row move_row(const MoveRecord& move);

}  // namespace fl::shard
