// The move controller: move records in the metadata database and the driver loop (mover.h);
// the steps are in move_steps.cc.
#include "system/shard/mover.h"

#include "system/io/assert.h"

namespace fl::shard {

const char* const kMovesTable = "shard_moves";

namespace {

using io::ColumnType;

std::int64_t as_int(const io::Value& v) { return std::get<std::int64_t>(v); }

}  // namespace

io::Row move_row(const MoveRecord& m) {
  return {io::Value(m.id),
          io::Value(std::int64_t{m.vnode}),
          io::Value(std::int64_t{m.source}),
          io::Value(std::int64_t{m.target}),
          io::Value(m.state),
          io::Value(m.position),
          io::Value(m.new_epoch),
          io::Value(m.fenced_ns),
          io::Value(m.switched_ns),
          io::Value(m.incarnation),
          io::Value(std::int64_t{m.rounds}),
          io::Value(m.note)};
}

namespace {

MoveRecord move_of(const io::Row& r) {
  MoveRecord m;
  m.id = as_int(r[0]);
  m.vnode = static_cast<int>(as_int(r[1]));
  m.source = static_cast<int>(as_int(r[2]));
  m.target = static_cast<int>(as_int(r[3]));
  m.state = std::get<std::string>(r[4]);
  m.position = as_int(r[5]);
  m.new_epoch = as_int(r[6]);
  m.fenced_ns = as_int(r[7]);
  m.switched_ns = as_int(r[8]);
  m.incarnation = as_int(r[9]);
  m.rounds = static_cast<int>(as_int(r[10]));
  m.note = std::get<std::string>(r[11]);
  return m;
}

io::Result<std::vector<MoveRecord>> read_moves(io::SqlTransaction& tx) {
  io::ScanSpec spec;
  spec.limit = kMaxListedMoves;
  spec.descending = true;
  auto rows = tx.scan(kMovesTable, spec);
  if (!rows.is_ok()) return rows.status();
  std::vector<MoveRecord> out;
  for (const io::Row& r : rows.value()) out.push_back(move_of(r));
  return out;
}

}  // namespace

io::TableSchema moves_schema() {
  return {kMovesTable,
          {{"id", ColumnType::kInt64},
           {"vnode", ColumnType::kInt64},
           {"source", ColumnType::kInt64},
           {"target", ColumnType::kInt64},
           {"state", ColumnType::kText},
           {"position", ColumnType::kInt64},
           {"new_epoch", ColumnType::kInt64},
           {"fenced_ns", ColumnType::kInt64},
           {"switched_ns", ColumnType::kInt64},
           {"incarnation", ColumnType::kInt64},
           {"rounds", ColumnType::kInt64},
           {"note", ColumnType::kText}},
          {0}};
}

MoveController::MoveController(io::Env& env, io::SqlStore& meta, std::vector<io::SqlStore*> shards,
                               MoveOptions options)
    : env_(env), meta_(meta), shards_(std::move(shards)), options_(options) {
  FL_ASSERT(!shards_.empty() && static_cast<int>(shards_.size()) <= kMaxShards);
  if (options_.initial_shards == 0) options_.initial_shards = shard_count();
  FL_ASSERT(options_.initial_shards >= 1 && options_.initial_shards <= shard_count());
}

io::Status MoveController::init() {
  const ShardMap initial = initial_map(shard_count(), options_.initial_shards, options_.vnodes);
  if (io::Status s = init_metadata(meta_, initial); !s.is_ok()) return s;
  if (io::Status s = meta_.create_table(moves_schema()); !s.is_ok()) return s;
  for (int i = 0; i < shard_count(); ++i) {
    if (io::Status s = init_shard(*shards_[static_cast<std::size_t>(i)], i, initial); !s.is_ok()) {
      return s;
    }
  }
  return io::Status::ok();
}

void MoveController::start() {
  env_.tasks.spawn("shard-moves", [this] { run(); });
}

io::Result<ShardMap> MoveController::map() {
  return load_map(meta_, shard_count(), options_.vnodes);
}

io::Result<MoveRecord> MoveController::start_move(int vnode, int target) {
  if (vnode < 0 || vnode >= options_.vnodes || target < -1 || target >= shard_count()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "vnode or target out of range");
  }
  auto begun = meta_.begin(io::Isolation::kSerializable);
  if (!begun.is_ok()) return begun.status();
  io::SqlTransaction& tx = *begun.value();
  auto moves = read_moves(tx);
  if (!moves.is_ok()) return moves.status();
  for (const MoveRecord& m : moves.value()) {
    if (m.active()) {
      return io::Status::failed(io::ErrorKind::kConstraint,
                                "move " + std::to_string(m.id) + " is active");
    }
  }
  auto owner = tx.get(kMapTable, {io::Value(std::int64_t{vnode})});
  if (!owner.is_ok()) return owner.status();
  if (!owner.value()) return io::Status::failed(io::ErrorKind::kNotFound, "no shard map yet");
  MoveRecord m;
  m.id = moves.value().empty() ? 1 : moves.value().front().id + 1;
  m.vnode = vnode;
  m.source = static_cast<int>(as_int((*owner.value())[1]));
  m.target = target >= 0 ? target : (m.source + 1) % shard_count();
  m.state = "copying";
  if (m.source == m.target) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "shard " + std::to_string(m.target) + " already owns the vnode");
  }
  if (io::Status s = tx.insert(kMovesTable, move_row(m)); !s.is_ok()) return s;
  if (io::Status s = tx.commit(); !s.is_ok()) return s;
  return m;
}

io::Result<std::optional<MoveRecord>> MoveController::find_move(std::int64_t id) {
  auto begun = meta_.begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  auto got = begun.value()->get(kMovesTable, {io::Value(id)});
  if (!got.is_ok()) return got.status();
  if (!got.value()) return std::optional<MoveRecord>();
  return std::optional<MoveRecord>(move_of(*got.value()));
}

io::Result<std::vector<MoveRecord>> MoveController::list_moves() {
  auto begun = meta_.begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  return read_moves(*begun.value());
}

io::Result<std::optional<MoveRecord>> MoveController::active_move() {
  auto moves = list_moves();
  if (!moves.is_ok()) return moves.status();
  for (const MoveRecord& m : moves.value()) {
    if (m.active()) return std::optional<MoveRecord>(m);
  }
  return std::optional<MoveRecord>();
}

io::Status MoveController::save(const MoveRecord& move) {
  auto begun = meta_.begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  if (io::Status s = begun.value()->upsert(kMovesTable, move_row(move)); !s.is_ok()) return s;
  return begun.value()->commit();
}

// The driver: one step of the active move at a time; a failed step is retried after retry_ns,
// and a move that cannot get through copying or catch-up in kMaxMoveStepAttempts rolls back.
// Runs for the node's lifetime (a crash ends it; the next start resumes from the stored state).
void MoveController::run() {
  int failures = 0;
  std::int64_t failing_id = 0;
  for (;;) {
    auto active = active_move();
    if (!active.is_ok() || !active.value()) {
      env_.clock.sleep_ns(options_.idle_poll_ns);
      continue;
    }
    MoveRecord move = *active.value();
    if (move.id != failing_id) failures = 0;
    if (step(move).is_ok()) {
      failures = 0;
      continue;
    }
    failing_id = move.id;
    ++failures;
    const bool early = move.state == "copying" || move.state == "catching_up";
    if (early && failures >= kMaxMoveStepAttempts) {
      move.state = "rolling_back";
      move.note = "gave up after " + std::to_string(failures) + " failed attempts";
      (void)save(move);  // if it fails, the next round tries again
    }
    env_.clock.sleep_ns(options_.retry_ns);
  }
}

io::Status MoveController::step(MoveRecord& move) {
  if (move.state == "copying") return step_copying(move);
  if (move.state == "catching_up") return step_catching_up(move);
  if (move.state == "cutover") return step_cutover(move);
  if (move.state == "switched") return step_switched(move);
  if (move.state == "rolling_back") return step_rolling_back(move);
  FL_ASSERT_MSG(false, "move " << move.id << " in unknown state " << move.state);
  return io::Status::ok();
}

}  // namespace fl::shard
