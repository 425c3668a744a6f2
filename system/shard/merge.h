// Merging what the shards return for a fan-out statement (docs/shard.md, "Fan-out"): an
// aggregate computed per shard and combined, and ORDER BY ... LIMIT over the shards' sorted
// results. Pure functions: the router uses them over its per-shard partials, and a SQL face
// would use them over what each shard's pushed-down statement returned.
#pragma once

#include <cstdint>
#include <vector>

#include "system/io/sql_store.h"

namespace fl::shard {

enum class AggregateKind : std::uint8_t { kCount, kSum, kMin, kMax };

// One shard's partial of an aggregate over `rows` (what `SELECT agg(column) ...` returns on
// that shard): COUNT counts rows whose column is not NULL (COUNT(*): any non-nullable column);
// SUM, MIN and MAX ignore NULLs and are NULL over no values. Integer columns only (kInvalidArgument
// otherwise); SUM out of int64 is kInvalidArgument "bigint out of range".
io::Result<io::Value> aggregate_rows(AggregateKind kind, const std::vector<io::Row>& rows,
                                     std::size_t column);

// Combines the shards' partials: COUNT and SUM add (a SUM is NULL only when every partial is),
// MIN and MAX take the least / greatest non-NULL partial. AVG is SUM and COUNT merged, divided.
io::Result<io::Value> merge_aggregate(AggregateKind kind, const std::vector<io::Value>& partials);

struct OrderTerm {
  std::size_t column = 0;
  bool descending = false;
};

// ORDER BY `order` LIMIT `limit` across shards. Each input is one shard's result sorted by
// `order` with its first `limit` rows (or all it had); the output is the first `limit` rows of
// their merge, ties in shard order. Values compare as io::Value does (NULL first).
std::vector<io::Row> merge_ordered(const std::vector<std::vector<io::Row>>& per_shard,
                                   const std::vector<OrderTerm>& order, std::size_t limit);

}  // namespace fl::shard
