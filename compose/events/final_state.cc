// Reading the event store's final state straight from its tables (as an operator would with
// psql), and its JSON form in the history (events.h).
#include "compose/events/events.h"
#include "system/saga/txn.h"

namespace fl::compose {
namespace {

using nlohmann::json;
constexpr std::size_t kPage = 5000;
constexpr std::size_t kMaxSmallTable = 10000;

// Every row of `table` in key order (at most `max`), paging by the last key seen.
io::Result<std::vector<io::Row>> scan_all(io::SqlTransaction& tx, const io::TableSchema& schema,
                                          std::size_t max) {
  std::vector<io::Row> out;
  std::optional<io::Key> last;
  for (std::size_t page = 0; page <= max / kPage && out.size() < max; ++page) {
    io::ScanSpec spec;
    spec.from = last;
    spec.limit = kPage + 1;
    auto rows = tx.scan(schema.name, spec);
    if (!rows.is_ok()) return rows.status();
    std::size_t fresh = 0;
    for (auto& row : rows.value()) {
      if (last && io::key_of(schema, row) == *last) continue;  // the inclusive bound
      out.push_back(std::move(row));
      ++fresh;
    }
    if (fresh == 0 || rows.value().size() < spec.limit) break;
    last = io::key_of(schema, out.back());
  }
  if (out.size() > max) out.resize(max);
  return out;
}

const io::TableSchema& schema_of(const std::vector<io::TableSchema>& all, const char* name) {
  for (const auto& s : all) {
    if (s.name == name) return s;
  }
  FL_ASSERT_MSG(false, "no table " << name);
  return all.front();
}

template <typename T, typename From>
io::Status read_table(io::SqlTransaction& tx, const char* name, std::size_t max, From from,
                      std::vector<T>* out) {
  static const std::vector<io::TableSchema> schemas = events::event_store_schemas();
  auto rows = scan_all(tx, schema_of(schemas, name), max);
  if (!rows.is_ok()) return rows.status();
  for (const auto& r : rows.value()) out->push_back(from(r));
  return io::Status::ok();
}

io::Status read_all(io::SqlTransaction& tx, EventsFinalState* s) {
  auto counter = events::read_counter(tx);
  if (!counter.is_ok()) return counter.status();
  s->counter = counter.value();
  io::Status st =
      read_table(tx, events::kLogTable, kMaxFinalEvents, events::log_event_from, &s->log);
  if (st.is_ok()) {
    st = read_table(tx, events::kEventsTable, kMaxFinalEvents, events::event_from, &s->events);
  }
  if (st.is_ok())
    st = read_table(tx, events::kStreamsTable, kMaxSmallTable, events::stream_from, &s->streams);
  if (st.is_ok())
    st =
        read_table(tx, events::kCommandsTable, kMaxFinalEvents, events::command_from, &s->commands);
  if (st.is_ok())
    st = read_table(tx, events::kSnapshotsTable, kMaxFinalEvents, events::snapshot_from,
                    &s->snapshots);
  if (st.is_ok())
    st = read_table(tx, events::kAccountsTable, kMaxSmallTable, events::account_from, &s->accounts);
  if (st.is_ok())
    st = read_table(tx, events::kOrdersTable, kMaxSmallTable, events::order_from, &s->orders);
  if (!st.is_ok()) return st;
  std::vector<std::pair<std::string, std::int64_t>> checkpoints;
  st = read_table(
      tx, events::kCheckpointsTable, kMaxSmallTable,
      [](const io::Row& r) {
        return std::pair{saga::text_at(r, 0), saga::int_at(r, 1)};
      },
      &checkpoints);
  for (const auto& [name, position] : checkpoints) s->checkpoints[name] = position;
  return st;
}

json event_json(const events::StoredEvent& e) {
  return {e.position, e.aggregate_id, e.version, e.type, e.data, e.command_id, e.ts_ns, e.wall_ns};
}

events::StoredEvent event_of(const json& a) {
  return {a.at(1).get<std::string>(),  a.at(2).get<std::int64_t>(), a.at(0).get<std::int64_t>(),
          a.at(3).get<std::string>(),  a.at(4).get<std::string>(),  a.at(5).get<std::string>(),
          a.at(6).get<std::int64_t>(), a.at(7).get<std::int64_t>()};
}

template <typename T, typename F>
void each(const json& j, const char* key, std::vector<T>* out, F from) {
  for (const auto& a : j.at(key)) out->push_back(from(a));  // bounded by the history's size
}

}  // namespace

io::Result<EventsFinalState> read_events_final_state(io::Env& env) {
  FL_ASSERT(env.sql != nullptr);
  return saga::read_only<EventsFinalState>(
      *env.sql, [](io::SqlTransaction& tx) -> io::Result<EventsFinalState> {
        EventsFinalState s;
        if (io::Status st = read_all(tx, &s); !st.is_ok()) return st;
        return s;
      });
}

json final_state_json(const EventsFinalState& s) {
  json j = {{"counter", {{"head", s.counter.head}, {"clock_ns", s.counter.clock_ns}}},
            {"checkpoints", s.checkpoints}};
  j["log"] = json::array();
  for (const auto& e : s.log) j["log"].push_back(event_json(e));
  j["events"] = json::array();
  for (const auto& e : s.events) j["events"].push_back(event_json(e));
  j["streams"] = json::array();
  for (const auto& h : s.streams) j["streams"].push_back({h.aggregate_id, h.kind, h.version});
  j["commands"] = json::array();
  for (const auto& c : s.commands) {
    j["commands"].push_back(
        {c.command_id, c.aggregate_id, c.command_type, c.first_version, c.last_version, c.data});
  }
  j["snapshots"] = json::array();
  for (const auto& n : s.snapshots) {
    j["snapshots"].push_back({n.aggregate_id, n.version, n.position, n.state});
  }
  j["accounts"] = json::array();
  for (const auto& a : s.accounts) {
    j["accounts"].push_back({a.account_id, a.owner, a.balance, a.version, a.position});
  }
  j["orders"] = json::array();
  for (const auto& o : s.orders) {
    j["orders"].push_back({o.order_id, o.customer_id, o.status, o.amount, o.items, o.items_total,
                           o.version, o.position});
  }
  return j;
}

std::string final_state_from_json(const json& j, EventsFinalState* s) {
  try {
    s->counter = {j.at("counter").at("head").get<std::int64_t>(),
                  j.at("counter").at("clock_ns").get<std::int64_t>()};
    s->checkpoints = j.at("checkpoints").get<std::map<std::string, std::int64_t>>();
    each(j, "log", &s->log, event_of);
    each(j, "events", &s->events, event_of);
    each(j, "streams", &s->streams, [](const json& a) {
      return events::StreamHead{a.at(0).get<std::string>(), a.at(1).get<std::string>(),
                                a.at(2).get<std::int64_t>()};
    });
    each(j, "commands", &s->commands, [](const json& a) {
      return events::CommandRecord{a.at(0).get<std::string>(),  a.at(1).get<std::string>(),
                                   a.at(2).get<std::string>(),  a.at(3).get<std::int64_t>(),
                                   a.at(4).get<std::int64_t>(), a.at(5).get<std::string>()};
    });
    each(j, "snapshots", &s->snapshots, [](const json& a) {
      return events::SnapshotRow{a.at(0).get<std::string>(), a.at(1).get<std::int64_t>(),
                                 a.at(2).get<std::int64_t>(), a.at(3).get<std::string>()};
    });
    each(j, "accounts", &s->accounts, [](const json& a) {
      return events::AccountModel{a.at(0).get<std::string>(), a.at(1).get<std::string>(),
                                  a.at(2).get<std::int64_t>(), a.at(3).get<std::int64_t>(),
                                  a.at(4).get<std::int64_t>()};
    });
    each(j, "orders", &s->orders, [](const json& a) {
      return events::OrderModel{a.at(0).get<std::string>(),  a.at(1).get<std::string>(),
                                a.at(2).get<std::string>(),  a.at(3).get<std::int64_t>(),
                                a.at(4).get<std::int64_t>(), a.at(5).get<std::int64_t>(),
                                a.at(6).get<std::int64_t>(), a.at(7).get<std::int64_t>()};
    });
  } catch (const json::exception& e) {
    return std::string("malformed final state: ") + e.what();
  }
  return "";
}

}  // namespace fl::compose
