#include "system/saga/saga_table.h"

#include <algorithm>

#include "system/saga/txn.h"

namespace fl::saga {

io::TableSchema saga_schema() {
  using io::ColumnType;
  return {kSagaTable,
          {{"saga_id", ColumnType::kText},
           {"saga_type", ColumnType::kText},
           {"idempotency_key", ColumnType::kText},
           {"data", ColumnType::kText},
           {"status", ColumnType::kText},
           {"step", ColumnType::kInt64},
           {"direction", ColumnType::kText},
           {"attempt", ColumnType::kInt64},
           {"steps", ColumnType::kText},
           {"error", ColumnType::kText},
           {"version", ColumnType::kInt64},
           {"created_wall_ns", ColumnType::kInt64},
           {"updated_wall_ns", ColumnType::kInt64}},
          {kColId},
          {{kStatusIndex, {kColStatus}}}};
}

io::TableSchema inbox_schema() {
  return {
      kInboxTable, {{"reply_key", io::ColumnType::kText}, {"saga_id", io::ColumnType::kText}}, {0}};
}

void sync_view(SagaRecord* r) {
  const SagaDefinition* definition = find_definition(r->view.type);
  FL_ASSERT(definition != nullptr);
  FL_ASSERT_EQ(r->state.steps.size(), static_cast<std::size_t>(definition->step_count()));
  r->view.status = r->state.status;
  r->view.current_step = r->state.step;
  r->view.direction = r->state.direction;
  r->view.attempt = r->state.attempt;
  r->view.error = r->state.error;
  r->view.steps.clear();
  for (int i = 0; i < definition->step_count(); ++i) {
    r->view.steps.push_back({definition->steps()[static_cast<std::size_t>(i)].name,
                             r->state.steps[static_cast<std::size_t>(i)]});
  }
}

io::Row to_row(const SagaRecord& r) {
  const SagaView& v = r.view;
  const SagaState& s = r.state;
  return {v.saga_id,
          v.type,
          v.idempotency_key,
          v.data_json,
          std::string(to_string(s.status)),
          std::int64_t{s.step},
          std::string(to_string(s.direction)),
          std::int64_t{s.attempt},
          encode_steps(s.steps),
          s.error,
          v.version,
          v.created_wall_ns,
          v.updated_wall_ns};
}

std::optional<SagaRecord> from_row(const io::Row& row) {
  SagaRecord r;
  r.view.saga_id = text_at(row, kColId);
  r.view.type = text_at(row, kColType);
  r.view.idempotency_key = text_at(row, kColKey);
  r.view.data_json = text_at(row, kColData);
  r.view.version = int_at(row, kColVersion);
  r.view.created_wall_ns = int_at(row, kColCreated);
  r.view.updated_wall_ns = int_at(row, kColUpdated);
  const SagaDefinition* definition = find_definition(r.view.type);
  auto status = saga_status_from(text_at(row, kColStatus));
  auto steps = decode_steps(text_at(row, kColSteps));
  const std::string& direction = text_at(row, kColDirection);
  if (definition == nullptr || !status || !steps ||
      steps->size() != static_cast<std::size_t>(definition->step_count())) {
    return std::nullopt;
  }
  r.state.status = *status;
  r.state.step = static_cast<int>(int_at(row, kColStep));
  r.state.direction = direction == "comp" ? Direction::kCompensate : Direction::kForward;
  r.state.attempt = static_cast<int>(int_at(row, kColAttempt));
  r.state.steps = *steps;
  r.state.error = text_at(row, kColError);
  if (r.state.step < 0 || r.state.step >= definition->step_count() || r.state.attempt < 1) {
    return std::nullopt;
  }
  sync_view(&r);
  return r;
}

io::Result<RecordPage> read_page(io::SqlStore& sql, const SagaQuery& query) {
  const std::size_t limit = std::clamp<std::size_t>(query.limit, 1, kMaxListSagas);
  io::ScanSpec spec;
  spec.limit = limit + 1;  // one more: whether a next page exists
  if (query.status) {
    const std::string status = to_string(*query.status);
    spec.index = kStatusIndex;
    spec.from = query.after.empty() ? io::Key{status} : io::Key{status, query.after};
    spec.filters.push_back({kColStatus, io::CompareOp::kEq, status});
  } else if (!query.after.empty()) {
    spec.from = io::Key{query.after};
  }
  if (!query.after.empty()) spec.filters.push_back({kColId, io::CompareOp::kGt, query.after});
  auto begun = sql.begin(io::Isolation::kReadCommitted);
  if (!begun.is_ok()) return begun.status();
  auto rows = begun.value()->scan(kSagaTable, spec);
  if (!rows.is_ok()) return rows.status();
  begun.value()->rollback();
  RecordPage page;
  for (std::size_t i = 0; i < rows.value().size() && i < limit; ++i) {
    auto record = from_row(rows.value()[i]);
    FL_ASSERT_MSG(record.has_value(), "corrupt saga row " << text_at(rows.value()[i], kColId));
    page.records.push_back(std::move(*record));
  }
  if (rows.value().size() > limit) page.next = page.records.back().view.saga_id;
  return page;
}

}  // namespace fl::saga
