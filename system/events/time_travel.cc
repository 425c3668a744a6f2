// Time travel: an aggregate's state as of a global position, or as of a point in the store's
// time, resolved to a position by the store's own clock and commit order (store.h).
#include <algorithm>

#include "system/events/store.h"
#include "system/saga/txn.h"

namespace fl::events {
namespace {

constexpr int kMaxSearchSteps = 64;  // binary search over positions (2^63 > any head)
constexpr int kMaxFenceAttempts = 8;

io::Status beyond(const std::string& why) {
  return io::Status::failed(io::ErrorKind::kConstraint, why);
}

// The ts of the highest position <= p that exists (-1 when none): positions have no holes in
// the correct store, but the sequence bug leaves some.
io::Result<std::pair<std::int64_t, std::int64_t>> at_or_below(io::SqlTransaction& tx,
                                                              std::int64_t p) {
  io::ScanSpec spec;
  spec.from = io::Key{std::int64_t{1}};
  spec.until = io::Key{p + 1};
  spec.descending = true;
  spec.limit = 1;
  auto rows = tx.scan(kLogTable, spec);
  if (!rows.is_ok()) return rows.status();
  if (rows.value().empty()) return std::pair<std::int64_t, std::int64_t>{0, -1};
  const StoredEvent e = log_event_from(rows.value().front());
  return std::pair<std::int64_t, std::int64_t>{e.position, e.ts_ns};
}

// The highest position <= head whose ts <= at_ns (0: none), by binary search on m for the
// last m whose at_or_below(m) has ts <= at_ns: ts strictly increases with position (store.h).
io::Result<std::int64_t> resolve_time(io::SqlTransaction& tx, std::int64_t at_ns,
                                      std::int64_t head) {
  std::int64_t lo = 0, hi = head, best = 0;  // the predicate holds at lo; best: its position
  for (int step = 0; step < kMaxSearchSteps && lo < hi; ++step) {
    const std::int64_t mid = lo + (hi - lo + 1) / 2;
    auto found = at_or_below(tx, mid);
    if (!found.is_ok()) return found.status();
    const auto [position, ts] = found.value();
    if (position == 0 || ts <= at_ns) {
      lo = mid;
      best = position;
    } else {
      hi = mid - 1;
    }
  }
  FL_ASSERT_EQ(lo, hi);
  return best;
}

// The known bug: the highest position whose *writer's wall clock* is <= at_ns, as a query
// "WHERE wall <= T ORDER BY position DESC LIMIT 1" would find it.
io::Result<std::int64_t> resolve_wall_clock(io::SqlTransaction& tx, std::int64_t at_ns) {
  io::ScanSpec spec;
  spec.descending = true;
  spec.limit = 1;
  spec.filters = {{kLogWall, io::CompareOp::kLe, at_ns}};
  auto rows = tx.scan(kLogTable, spec);
  if (!rows.is_ok()) return rows.status();
  return rows.value().empty() ? std::int64_t{0} : log_event_from(rows.value().front()).position;
}

}  // namespace

io::Result<AggregateView> EventStore::restore_at_position(const std::string& aggregate_id,
                                                          std::int64_t position) {
  FL_ASSERT(position >= 0);
  return saga::read_only<AggregateView>(
      *env_.sql, [&](io::SqlTransaction& tx) -> io::Result<AggregateView> {
        auto c = read_counter(tx);
        if (!c.is_ok()) return c.status();
        if (position > c.value().head) {
          return beyond("position " + std::to_string(position) + " is beyond the head " +
                        std::to_string(c.value().head));
        }
        return load_at_position(tx, aggregate_id, position);
      });
}

io::Status EventStore::fence_clock(std::int64_t at_ns) {
  io::Status last = io::Status::ok();
  for (int attempt = 0; attempt < kMaxFenceAttempts; ++attempt) {
    last = saga::run_transaction(
        *env_.sql, env_.clock, io::Isolation::kReadCommitted,
        [&](io::SqlTransaction& tx) -> io::Result<saga::TxnAction> {
          // Waits for an append holding the counter, then re-checks (EvalPlanQual): a clock
          // already past at_ns needs no fence.
          auto moved =
              tx.update(kCounterTable, {std::string(kCounterKey)},
                        {{kCounterClock, io::CompareOp::kLt, at_ns}}, {{kCounterClock, at_ns}});
          if (!moved.is_ok()) return moved.status();
          return moved.value() ? saga::TxnAction::kCommit : saga::TxnAction::kRollback;
        });
    if (!last.is_indeterminate()) return last;  // unknown: fencing again is harmless
  }
  return last;
}

io::Result<AggregateView> EventStore::restore_at_time(const std::string& aggregate_id,
                                                      std::int64_t at_ns) {
  const bool wall_clock_bug = options_.bugs.time_travel_wall_clock;
  if (!wall_clock_bug) {
    auto c = counter();
    if (!c.is_ok()) return c.status();
    if (c.value().clock_ns < at_ns) {
      const std::int64_t now = std::max(c.value().clock_ns, env_.clock.wall_ns());
      if (at_ns > now + kMaxFenceAheadNs) {
        return beyond("point_in_time is ahead of the store's clock (" +
                      std::to_string(c.value().clock_ns) + " ns); ask again later");
      }
      if (io::Status s = fence_clock(at_ns); !s.is_ok()) return s;
    }
  }
  return saga::read_only<AggregateView>(
      *env_.sql, [&](io::SqlTransaction& tx) -> io::Result<AggregateView> {
        auto c = read_counter(tx);
        if (!c.is_ok()) return c.status();
        FL_ASSERT(wall_clock_bug || c.value().clock_ns >= at_ns);
        auto position = wall_clock_bug ? resolve_wall_clock(tx, at_ns)
                                       : resolve_time(tx, at_ns, c.value().head);
        if (!position.is_ok()) return position.status();
        return load_at_position(tx, aggregate_id, position.value());
      });
}

}  // namespace fl::events
