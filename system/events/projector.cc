// The read-model projection and the Kafka publisher (projector.h).
#include "system/events/projector.h"

#include "system/saga/txn.h"

namespace fl::events {
namespace {

using saga::int_at;
using saga::text_at;

constexpr std::int64_t kErrorBackoffNs = 200 * io::kNsPerMs;

io::Row row_of(const AccountModel& m) {
  return {m.account_id, m.owner, m.balance, m.version, m.position};
}

io::Row row_of(const OrderModel& m) {
  return {m.order_id, m.customer_id, m.status,  m.amount,
          m.items,    m.items_total, m.version, m.position};
}

std::int64_t int_field(const Json& data, const char* name) {
  const auto it = data.find(name);
  return it != data.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

io::Status apply_to_account(io::SqlTransaction& tx, const StoredEvent& e, const Json& data) {
  auto row = tx.get(kAccountsTable, {e.aggregate_id});
  if (!row.is_ok()) return row.status();
  AccountModel m;
  if (row.value()) m = account_from(*row.value());
  m.account_id = e.aggregate_id;
  if (e.type == "AccountCreated") m.owner = data.value("owner", "");
  if (e.type == "Deposited") m.balance += int_field(data, "amount");
  if (e.type == "Withdrawn") m.balance -= int_field(data, "amount");
  m.version = e.version;
  m.position = e.position;
  return tx.upsert(kAccountsTable, row_of(m));
}

io::Status apply_to_order(io::SqlTransaction& tx, const StoredEvent& e, const Json& data) {
  auto row = tx.get(kOrdersTable, {e.aggregate_id});
  if (!row.is_ok()) return row.status();
  OrderModel m;
  if (row.value()) m = order_from(*row.value());
  m.order_id = e.aggregate_id;
  if (e.type == "OrderCreated") {
    m.customer_id = data.value("customer_id", "");
    m.amount = int_field(data, "amount");
    m.status = "created";
  } else if (e.type == "ItemAdded") {
    m.items += 1;
    m.items_total += int_field(data, "quantity") * int_field(data, "price");
  } else if (e.type == "OrderConfirmed") {
    m.status = "confirmed";
  } else if (e.type == "OrderShipped") {
    m.status = "shipped";
  } else if (e.type == "OrderCancelled") {
    m.status = "cancelled";
  }
  m.version = e.version;
  m.position = e.position;
  return tx.upsert(kOrdersTable, row_of(m));
}

io::Status apply_to_models(io::SqlTransaction& tx, const StoredEvent& e) {
  const Json data = Json::parse(e.data, nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) {
    return io::Status::failed(io::ErrorKind::kInternal, "event data is not an object");
  }
  const bool account = e.type == "AccountCreated" || e.type == "Deposited" || e.type == "Withdrawn";
  return account ? apply_to_account(tx, e, data) : apply_to_order(tx, e, data);
}

Json event_json_for_kafka(const StoredEvent& e) {
  return Json{{"position", e.position},
              {"aggregate_id", e.aggregate_id},
              {"version", e.version},
              {"type", e.type},
              {"data", Json::parse(e.data, nullptr, false)},
              {"ts_ns", e.ts_ns}};
}

io::Result<std::int64_t> checkpoint_in(io::SqlTransaction& tx, const char* name) {
  auto row = tx.get(kCheckpointsTable, {std::string(name)});
  if (!row.is_ok()) return row.status();
  if (!row.value()) {
    return io::Status::failed(io::ErrorKind::kInternal, std::string("no checkpoint ") + name);
  }
  return int_at(*row.value(), kCheckpointPosition);
}

}  // namespace

AccountModel account_from(const io::Row& row) {
  return {text_at(row, 0), text_at(row, 1), int_at(row, 2), int_at(row, 3), int_at(row, 4)};
}

OrderModel order_from(const io::Row& row) {
  return {text_at(row, 0), text_at(row, 1), text_at(row, 2), int_at(row, 3),
          int_at(row, 4),  int_at(row, 5),  int_at(row, 6),  int_at(row, 7)};
}

Projector::Projector(io::Env& env, EventStore& store, ProjectorOptions options)
    : env_(env), store_(store), options_(options) {
  FL_ASSERT(env_.sql != nullptr);
  FL_ASSERT(options_.batch >= 1 && options_.batch <= kMaxProjectBatch);
  FL_ASSERT(options_.interval_ns > 0);
}

io::Status Projector::init() {
  for (const char* name : {kReadModelsProjection, kPublisherProjection}) {
    io::Status s = saga::run_transaction(
        *env_.sql, env_.clock, io::Isolation::kReadCommitted,
        [name](io::SqlTransaction& tx) -> io::Result<saga::TxnAction> {
          auto row = tx.get(kCheckpointsTable, {std::string(name)});
          if (!row.is_ok()) return row.status();
          if (row.value()) return saga::TxnAction::kRollback;
          io::Status s = tx.insert(kCheckpointsTable, {std::string(name), std::int64_t{0}});
          if (s.kind() == io::ErrorKind::kConstraint) {
            return io::Status::failed(io::ErrorKind::kSerialization, "created meanwhile", true);
          }
          if (!s.is_ok()) return s;
          return saga::TxnAction::kCommit;
        });
    if (!s.is_ok()) return s;
  }
  if (env_.events == nullptr) return io::Status::ok();
  return env_.events->create_topic(kEventsTopic, kEventsTopicPartitions);
}

void Projector::start() {
  env_.tasks.spawn("read-model projector", [this] { loop("project", &Projector::project_once); });
  if (env_.events != nullptr) {
    env_.tasks.spawn("kafka publisher", [this] { loop("publish", &Projector::publish_once); });
  }
}

void Projector::loop(const char*, io::Result<std::size_t> (Projector::*once)()) {
  // One batch per iteration; the node's crash ends the loop (NodeCrashed unwinds it).
  for (;;) {
    auto applied = (this->*once)();
    if (!applied.is_ok()) {
      env_.clock.sleep_ns(kErrorBackoffNs);
    } else if (applied.value() < options_.batch) {
      env_.clock.sleep_ns(options_.interval_ns);
    } else {
      env_.tasks.yield();
    }
  }
}

void Projector::tell(CheckpointMove move, const io::Status& commit) const {
  if (!options_.on_checkpoint || move.events == 0 || commit.is_failed()) return;
  move.acknowledged = commit.is_ok();
  options_.on_checkpoint(move);
}

io::Result<std::size_t> Projector::project_once() {
  const bool take_all = store_.options().bugs.sequence_position_reader;
  std::size_t applied = 0;
  CheckpointMove move{kReadModelsProjection};
  io::Status s = saga::run_transaction(
      *env_.sql, env_.clock, io::Isolation::kReadCommitted,
      [&](io::SqlTransaction& tx) -> io::Result<saga::TxnAction> {
        applied = 0;
        move.events = 0;
        auto c = checkpoint_in(tx, kReadModelsProjection);
        if (!c.is_ok()) return c.status();
        move.from = c.value();
        const io::Key key = {std::string(kReadModelsProjection)};
        // Locks the checkpoint at c (false: another projector moved it; let it).
        auto mine = tx.update(kCheckpointsTable, key,
                              {{kCheckpointPosition, io::CompareOp::kEq, c.value()}},
                              {{kCheckpointPosition, c.value()}});
        if (!mine.is_ok()) return mine.status();
        if (!mine.value()) return saga::TxnAction::kRollback;
        auto page = read_log_in(tx, c.value(), options_.batch, take_all);
        if (!page.is_ok()) return page.status();
        if (page.value().events.empty()) return saga::TxnAction::kRollback;
        for (const auto& e : page.value().events) {
          if (io::Status a = apply_to_models(tx, e); !a.is_ok()) return a;
        }
        auto moved = tx.update(kCheckpointsTable, key, {},
                               {{kCheckpointPosition, page.value().events.back().position}});
        if (!moved.is_ok()) return moved.status();
        applied = page.value().events.size();
        move.to = page.value().events.back().position;
        move.events = applied;
        return saga::TxnAction::kCommit;
      });
  tell(move, s);
  if (!s.is_ok()) return s;
  return applied;
}

io::Result<std::size_t> Projector::publish_once() {
  FL_ASSERT(env_.events != nullptr);
  const bool take_all = store_.options().bugs.sequence_position_reader;
  std::int64_t from = 0;
  auto page =
      saga::read_only<LogPage>(*env_.sql, [&](io::SqlTransaction& tx) -> io::Result<LogPage> {
        auto c = checkpoint_in(tx, kPublisherProjection);
        if (!c.is_ok()) return c.status();
        from = c.value();
        return read_log_in(tx, from, options_.batch, take_all);
      });
  if (!page.is_ok()) return page.status();
  const auto& events = page.value().events;
  for (const auto& e : events) {  // bounded by the batch
    auto produced =
        env_.events->produce(kEventsTopic, e.aggregate_id, event_json_for_kafka(e).dump());
    if (!produced.is_ok()) return produced.status();  // produced again next time
  }
  if (events.empty()) return std::size_t{0};
  std::size_t committed = 0;  // events past which the checkpoint moved (0: another node did)
  io::Status moved = saga::run_transaction(
      *env_.sql, env_.clock, io::Isolation::kReadCommitted,
      [&](io::SqlTransaction& tx) -> io::Result<saga::TxnAction> {
        committed = 0;
        auto m = tx.update(kCheckpointsTable, {std::string(kPublisherProjection)},
                           {{kCheckpointPosition, io::CompareOp::kEq, from}},
                           {{kCheckpointPosition, events.back().position}});
        if (!m.is_ok()) return m.status();
        committed = m.value() ? events.size() : 0;
        return m.value() ? saga::TxnAction::kCommit : saga::TxnAction::kRollback;
      });
  tell({kPublisherProjection, from, events.back().position, committed}, moved);
  if (!moved.is_ok()) return moved;
  return events.size();
}

io::Result<std::optional<AccountModel>> Projector::account(const std::string& id) {
  return saga::read_row<AccountModel>(*env_.sql, kAccountsTable, {id}, account_from);
}

io::Result<std::optional<OrderModel>> Projector::order(const std::string& id) {
  return saga::read_row<OrderModel>(*env_.sql, kOrdersTable, {id}, order_from);
}

io::Result<std::vector<AccountModel>> Projector::accounts(std::size_t limit) {
  return saga::read_rows<AccountModel>(*env_.sql, kAccountsTable, limit, kMaxReadModelList,
                                       account_from);
}

io::Result<std::vector<OrderModel>> Projector::orders(std::size_t limit) {
  return saga::read_rows<OrderModel>(*env_.sql, kOrdersTable, limit, kMaxReadModelList, order_from);
}

io::Result<std::map<std::string, std::int64_t>> Projector::checkpoints() {
  using Map = std::map<std::string, std::int64_t>;
  return saga::read_only<Map>(*env_.sql, [](io::SqlTransaction& tx) -> io::Result<Map> {
    io::ScanSpec spec;
    spec.limit = 100;
    auto rows = tx.scan(kCheckpointsTable, spec);
    if (!rows.is_ok()) return rows.status();
    Map out;
    for (const auto& r : rows.value()) out[text_at(r, 0)] = int_at(r, 1);
    return out;
  });
}

}  // namespace fl::events
