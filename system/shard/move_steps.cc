// The steps of a move (mover.h): each reads what it needs, is safe to run again after a crash
// anywhere inside it, and ends by saving the move's next state.
#include "system/io/assert.h"
#include "system/shard/move_data.h"
#include "system/shard/mover.h"

namespace fl::shard {
namespace {

io::Status stale_move(const MoveRecord& m, const std::string& why) {
  return io::Status::failed(io::ErrorKind::kInternal, "move " + std::to_string(m.id) + ": " + why);
}

}  // namespace

io::Status MoveController::step_copying(MoveRecord& m) {
  io::SqlStore& source = *shards_[static_cast<std::size_t>(m.source)];
  io::SqlStore& target = *shards_[static_cast<std::size_t>(m.target)];
  auto current = map();
  if (!current.is_ok()) return current.status();
  const VnodeOwner owner = current.value().vnodes[static_cast<std::size_t>(m.vnode)];
  // Writers from now on log their changes: the conditional update waits for those in flight.
  auto marked = change_fence(source, m.vnode, [&](const std::optional<Fence>& f) {
    if (!f || !f->owned || f->epoch != owner.epoch || f->moving) return std::optional<Fence>();
    Fence next = *f;
    next.moving = true;
    return std::optional<Fence>(next);
  });
  if (!marked.is_ok()) return marked.status();
  if (!marked.value() || !marked.value()->owned || !marked.value()->moving) {
    m.state = "rolling_back";
    m.note = "the source does not own the vnode";
    return save(m);
  }
  auto tables = load_tables(meta_);
  if (!tables.is_ok()) return tables.status();
  if (io::Status s = clear_vnode(target, tables.value(), m.vnode, options_.vnodes); !s.is_ok()) {
    return s;
  }
  // The copy: every table's rows of the vnode and the change position, in one snapshot.
  auto begun = source.begin(io::Isolation::kRepeatableRead);
  if (!begun.is_ok()) return begun.status();
  io::SqlTransaction& tx = *begun.value();
  std::int64_t position = 0;
  if (!options_.bug_catchup_after_snapshot) {
    auto fence = read_fence(tx, m.vnode);
    if (!fence.is_ok()) return fence.status();
    if (!fence.value()) return stale_move(m, "no fence row on the source");
    position = fence.value()->seq;
  }
  std::vector<std::pair<std::string, std::vector<io::Row>>> copied;
  for (const io::TableSchema& schema : tables.value()) {
    auto rows = vnode_rows(tx, schema, m.vnode, options_.vnodes);
    if (!rows.is_ok()) return rows.status();
    copied.emplace_back(schema.name, std::move(rows.value()));
  }
  tx.rollback();
  for (const auto& [table, rows] : copied) {
    if (io::Status s = write_rows(target, table, rows); !s.is_ok()) return s;
  }
  if (options_.bug_catchup_after_snapshot) {
    // BROKEN ON PURPOSE: the position is read after the copy, so the changes made between the
    // copy's snapshot and now are neither in the copy nor after the position.
    auto later = change_fence(source, m.vnode,
                              [](const std::optional<Fence>&) { return std::optional<Fence>(); });
    if (!later.is_ok()) return later.status();
    if (!later.value()) return stale_move(m, "no fence row on the source");
    position = later.value()->seq;
  }
  m.position = position;
  m.state = "catching_up";
  return save(m);
}

io::Status MoveController::step_catching_up(MoveRecord& m) {
  io::SqlStore& source = *shards_[static_cast<std::size_t>(m.source)];
  io::SqlStore& target = *shards_[static_cast<std::size_t>(m.target)];
  auto tables = load_tables(meta_);
  if (!tables.is_ok()) return tables.status();
  auto caught = catch_up(source, target, tables.value(), m.vnode, m.position);
  if (!caught.is_ok()) return caught.status();
  m.position = caught.value().position;
  ++m.rounds;
  if (caught.value().applied <= kCutoverBacklog || m.rounds >= kMaxCatchupRounds) {
    auto current = map();
    if (!current.is_ok()) return current.status();
    m.new_epoch = current.value().version() + 1;
    m.state = "cutover";
  }
  return save(m);
}

io::Status MoveController::step_cutover(MoveRecord& m) {
  FL_ASSERT(m.new_epoch > 0);
  io::SqlStore& source = *shards_[static_cast<std::size_t>(m.source)];
  io::SqlStore& target = *shards_[static_cast<std::size_t>(m.target)];
  auto current = map();
  if (!current.is_ok()) return current.status();
  const VnodeOwner owner = current.value().vnodes[static_cast<std::size_t>(m.vnode)];
  if (owner.shard == m.target && owner.epoch == m.new_epoch) {  // switched, state not saved
    m.state = "switched";
    return save(m);
  }
  if (!options_.bug_no_source_fence) {
    // The fence: the update waits for the writers holding the row (the drain), then every
    // statement of a router with the old epoch is refused by the source.
    auto fenced = change_fence(source, m.vnode, [&](const std::optional<Fence>& f) {
      if (!f || (!f->owned && f->epoch == m.new_epoch)) return std::optional<Fence>();
      Fence next = *f;
      next.owned = false;
      next.epoch = m.new_epoch;
      return std::optional<Fence>(next);
    });
    if (!fenced.is_ok()) return fenced.status();
    if (!fenced.value()) return stale_move(m, "no fence row on the source");
  }
  if (m.fenced_ns == 0) {
    m.fenced_ns = env_.clock.monotonic_ns();
    m.incarnation = static_cast<std::int64_t>(env_.tasks.incarnation());
    if (io::Status s = save(m); !s.is_ok()) return s;
  }
  auto tables = load_tables(meta_);
  if (!tables.is_ok()) return tables.status();
  if (!options_.bug_cutover_before_catchup) {
    auto caught = catch_up(source, target, tables.value(), m.vnode, m.position);
    if (!caught.is_ok()) return caught.status();
    m.position = caught.value().position;
  }
  if (!options_.bug_cutover_before_catchup && options_.verify) {
    auto differ = diff_vnode(source, target, tables.value(), m.vnode, options_.vnodes);
    if (!differ.is_ok()) return differ.status();
    if (differ.value() != 0) {
      m.state = "rolling_back";
      m.note = "verify: " + std::to_string(differ.value()) + " rows differ";
      return save(m);
    }
  }
  auto opened = change_fence(target, m.vnode, [&](const std::optional<Fence>& f) {
    if (f && f->owned && f->epoch == m.new_epoch) return std::optional<Fence>();
    return std::optional<Fence>(Fence{true, m.new_epoch, 0, false});
  });
  if (!opened.is_ok()) return opened.status();
  // The switch: the map and the move's state in one metadata transaction.
  auto begun = meta_.begin(io::Isolation::kSerializable);
  if (!begun.is_ok()) return begun.status();
  io::SqlTransaction& tx = *begun.value();
  io::Status s = tx.upsert(kMapTable, {io::Value(std::int64_t{m.vnode}),
                                       io::Value(std::int64_t{m.target}), io::Value(m.new_epoch)});
  if (!s.is_ok()) return s;
  MoveRecord next = m;
  next.state = "switched";
  next.switched_ns = env_.clock.monotonic_ns();
  if (static_cast<std::int64_t>(env_.tasks.incarnation()) != m.incarnation) next.switched_ns = -1;
  if (s = tx.upsert(kMovesTable, move_row(next)); !s.is_ok()) return s;
  if (s = tx.commit(); !s.is_ok()) return s;
  m = next;
  return io::Status::ok();
}

io::Status MoveController::step_switched(MoveRecord& m) {
  io::SqlStore& source = *shards_[static_cast<std::size_t>(m.source)];
  auto tables = load_tables(meta_);
  if (!tables.is_ok()) return tables.status();
  if (io::Status s = clear_vnode(source, tables.value(), m.vnode, options_.vnodes); !s.is_ok()) {
    return s;
  }
  auto settled = change_fence(source, m.vnode, [](const std::optional<Fence>& f) {
    if (!f || !f->moving) return std::optional<Fence>();
    Fence next = *f;
    next.moving = false;
    return std::optional<Fence>(next);
  });
  if (!settled.is_ok()) return settled.status();
  m.state = "completed";
  return save(m);
}

io::Status MoveController::step_rolling_back(MoveRecord& m) {
  io::SqlStore& source = *shards_[static_cast<std::size_t>(m.source)];
  io::SqlStore& target = *shards_[static_cast<std::size_t>(m.target)];
  // The source serves the vnode again: at the new epoch if the cutover had fenced it.
  auto reopened = change_fence(source, m.vnode, [&](const std::optional<Fence>& f) {
    if (!f) return std::optional<Fence>();
    const bool fenced_by_us = !f->owned && m.new_epoch > 0 && f->epoch == m.new_epoch;
    if (!fenced_by_us && !f->moving) return std::optional<Fence>();
    Fence next = *f;
    next.owned = next.owned || fenced_by_us;
    next.moving = false;
    return std::optional<Fence>(next);
  });
  if (!reopened.is_ok()) return reopened.status();
  const std::optional<Fence>& f = reopened.value();
  if (f && f->owned && m.new_epoch > 0 && f->epoch == m.new_epoch) {
    auto begun = meta_.begin(io::Isolation::kSerializable);
    if (!begun.is_ok()) return begun.status();
    io::Status s = begun.value()->upsert(
        kMapTable, {io::Value(std::int64_t{m.vnode}), io::Value(std::int64_t{m.source}),
                    io::Value(m.new_epoch)});
    if (!s.is_ok()) return s;
    if (s = begun.value()->commit(); !s.is_ok()) return s;
  }
  auto tables = load_tables(meta_);
  if (!tables.is_ok()) return tables.status();
  if (io::Status s = clear_vnode(target, tables.value(), m.vnode, options_.vnodes); !s.is_ok()) {
    return s;
  }
  m.state = "rolled_back";
  return save(m);
}

}  // namespace fl::shard
