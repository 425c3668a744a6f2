// The orchestrator's tables: saga_instances (one row per saga, its state machine's state) and
// saga_inbox (the keys of the replies applied). Internal to system/saga.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "system/io/sql_store.h"
#include "system/saga/orchestrator.h"

namespace fl::saga {

inline constexpr const char* kSagaTable = "saga_instances";
inline constexpr const char* kInboxTable = "saga_inbox";
inline constexpr const char* kSagaOutboxTable = "saga_outbox";
// saga_instances' index on (status): recovery, listing by status and the unfinished metric
// read it instead of the whole table.
inline constexpr const char* kStatusIndex = "by_status";

enum SagaColumn : std::size_t {
  kColId,
  kColType,
  kColKey,
  kColData,
  kColStatus,
  kColStep,
  kColDirection,
  kColAttempt,
  kColSteps,
  kColError,
  kColVersion,
  kColCreated,
  kColUpdated,
};

io::TableSchema saga_schema();
io::TableSchema inbox_schema();

// A saga row and the state machine's view of it.
struct SagaRecord {
  SagaView view;
  SagaState state;
};

io::Row to_row(const SagaRecord& record);
// nullopt if the row is not a valid saga (unknown type, bad state text): a programmer error
// upstream, reported by the caller.
std::optional<SagaRecord> from_row(const io::Row& row);
// One page of saga rows (Orchestrator::list, recovery): ids after query.after, in query.status
// if set (through kStatusIndex), at most clamp(query.limit, 1, kMaxListSagas); `next` is the id
// to continue after, "" if no row follows. One read-committed transaction per page.
struct RecordPage {
  std::vector<SagaRecord> records;
  std::string next;
};
io::Result<RecordPage> read_page(io::SqlStore& sql, const SagaQuery& query);

// Copies `state` into the record's view (status, step, direction, attempt, steps, error).
void sync_view(SagaRecord* record);

}  // namespace fl::saga
