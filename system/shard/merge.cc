// Fan-out merging (merge.h).
#include "system/shard/merge.h"

#include <algorithm>

#include "system/io/assert.h"

namespace fl::shard {
namespace {

io::Status not_integer() {
  return io::Status::failed(io::ErrorKind::kInvalidArgument, "aggregate of a non-integer column");
}
io::Status out_of_range() {
  return io::Status::failed(io::ErrorKind::kInvalidArgument, "bigint out of range");
}

// Folds `values` (NULLs skipped) with the aggregate's rule; COUNT counts the non-NULL values.
io::Result<io::Value> fold(AggregateKind kind, const std::vector<const io::Value*>& values,
                           bool counts_are_partials) {
  std::int64_t acc = 0;
  bool any = false;
  for (const io::Value* v : values) {
    if (std::holds_alternative<io::Null>(*v)) continue;
    const auto* i = std::get_if<std::int64_t>(v);
    if (i == nullptr) return not_integer();
    if (kind == AggregateKind::kCount) {
      if (__builtin_add_overflow(acc, counts_are_partials ? *i : 1, &acc)) return out_of_range();
    } else if (kind == AggregateKind::kSum) {
      if (__builtin_add_overflow(acc, *i, &acc)) return out_of_range();
    } else if (!any) {
      acc = *i;
    } else {
      acc = kind == AggregateKind::kMin ? std::min(acc, *i) : std::max(acc, *i);
    }
    any = true;
  }
  if (kind == AggregateKind::kCount) return io::Value(acc);
  if (!any) return io::Value(io::Null{});
  return io::Value(acc);
}

}  // namespace

io::Result<io::Value> aggregate_rows(AggregateKind kind, const std::vector<io::Row>& rows,
                                     std::size_t column) {
  std::vector<const io::Value*> values;
  for (const io::Row& row : rows) {
    if (column >= row.size()) {
      return io::Status::failed(io::ErrorKind::kInvalidArgument, "no such column");
    }
    values.push_back(&row[column]);
  }
  return fold(kind, values, false);
}

io::Result<io::Value> merge_aggregate(AggregateKind kind, const std::vector<io::Value>& partials) {
  std::vector<const io::Value*> values;
  for (const io::Value& v : partials) {
    if (kind == AggregateKind::kCount && std::holds_alternative<io::Null>(v)) {
      return io::Status::failed(io::ErrorKind::kInvalidArgument, "a COUNT partial is NULL");
    }
    values.push_back(&v);
  }
  return fold(kind, values, true);
}

std::vector<io::Row> merge_ordered(const std::vector<std::vector<io::Row>>& per_shard,
                                   const std::vector<OrderTerm>& order, std::size_t limit) {
  std::vector<const io::Row*> all;
  for (const auto& rows : per_shard) {
    for (const io::Row& row : rows) {
      for (const OrderTerm& t : order) FL_ASSERT(t.column < row.size());
      all.push_back(&row);
    }
  }
  std::stable_sort(all.begin(), all.end(), [&](const io::Row* a, const io::Row* b) {
    for (const OrderTerm& t : order) {
      const io::Value& x = (*a)[t.column];
      const io::Value& y = (*b)[t.column];
      if (x == y) continue;
      return t.descending ? y < x : x < y;
    }
    return false;
  });
  std::vector<io::Row> out;
  for (std::size_t i = 0; i < all.size() && i < limit; ++i) out.push_back(*all[i]);
  return out;
}

}  // namespace fl::shard
