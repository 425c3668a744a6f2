// The "event-store" check (events.h), part one: the store's own invariants on the final read.
//  - es_log and es_events hold the same events; every stream's versions run 1..head without a
//    gap or duplicate; positions rise with versions; the store's clock (ts) strictly rises with
//    position (what time travel relies on); no position beyond the counter's head;
//  - every recorded command owns exactly its events (a retried command appended once);
//  - every event folds into its aggregate, and no account balance is negative on any prefix;
//  - every snapshot equals the fold of its stream up to its version (snapshot == replay);
//  - the read models converged: each equals its stream's fold, both checkpoints at the head.
// Part two (check_clients.cc) holds the history to it.
#include "compose/events/check.h"

#include <set>

namespace fl::compose {
namespace {

using nlohmann::json;

bool same_event(const events::StoredEvent& a, const events::StoredEvent& b) {
  return a.aggregate_id == b.aggregate_id && a.version == b.version && a.position == b.position &&
         a.type == b.type && a.data == b.data && a.command_id == b.command_id && a.ts_ns == b.ts_ns;
}

void check_log(const LogIndex& ix, EventsJudged* j) {
  const EventsFinalState& s = *ix.state;
  std::int64_t last_position = 0, last_ts = -1, holes = 0;
  for (const auto& e : s.log) {
    if (e.position <= last_position) j->problem("es_log out of order at " + describe_event(e));
    if (e.ts_ns <= last_ts) {
      j->problem("the store's clock does not rise with position at " + describe_event(e) +
                 " (previous ts " + std::to_string(last_ts) + ")");
    }
    holes += e.position - last_position - 1;
    last_position = e.position;
    last_ts = e.ts_ns;
  }
  if (last_position > s.counter.head) {
    j->problem("position " + std::to_string(last_position) + " is beyond the head " +
               std::to_string(s.counter.head));
  }
  j->stats["holes"] = holes;
  std::map<std::pair<std::string, std::int64_t>, const events::StoredEvent*> by_key;
  for (const auto& e : s.log) by_key[{e.aggregate_id, e.version}] = &e;
  for (const auto& e : s.events) {
    const auto it = by_key.find({e.aggregate_id, e.version});
    if (it == by_key.end() || !same_event(*it->second, e)) {
      j->problem("es_events and es_log differ at " + describe_event(e));
    }
  }
  if (s.events.size() != s.log.size()) {
    j->problem("es_events holds " + std::to_string(s.events.size()) + " events, es_log " +
               std::to_string(s.log.size()));
  }
}

void check_streams(const LogIndex& ix, EventsJudged* j) {
  std::map<std::string, std::int64_t> heads;
  for (const auto& h : ix.state->streams) heads[h.aggregate_id] = h.version;
  for (const auto& [id, stream] : ix.streams) {
    std::int64_t previous_position = 0;
    for (std::size_t i = 0; i < stream.size(); ++i) {
      const events::StoredEvent& e = *stream[i];
      if (e.version != static_cast<std::int64_t>(i) + 1) {
        j->problem("stream " + id + " is not contiguous: version " + std::to_string(e.version) +
                   " at index " + std::to_string(i));
        break;
      }
      if (e.position <= previous_position) {
        j->problem("stream " + id + ": position falls at " + describe_event(e));
      }
      previous_position = e.position;
    }
    const auto head = heads.find(id);
    const std::int64_t v = head == heads.end() ? -1 : head->second;
    if (v != static_cast<std::int64_t>(stream.size())) {
      j->problem("stream " + id + " holds " + std::to_string(stream.size()) +
                 " events, its head says " + std::to_string(v));
    }
  }
  for (const auto& [id, v] : heads) {
    if (ix.streams.count(id) == 0) j->problem("stream " + id + " has a head but no events");
  }
}

void check_commands(const LogIndex& ix, EventsJudged* j) {
  std::map<std::string, std::vector<const events::StoredEvent*>> by_command;
  for (const auto& e : ix.state->log) {
    if (!e.command_id.empty()) by_command[e.command_id].push_back(&e);
  }
  for (const auto& [id, evs] : by_command) {
    const auto rec = ix.commands.find(id);
    if (rec == ix.commands.end()) {
      j->problem("command " + id + " appended " + describe_event(*evs.front()) +
                 " without a record");
      continue;
    }
    const events::CommandRecord& c = *rec->second;
    bool exact = static_cast<std::int64_t>(evs.size()) == c.last_version - c.first_version + 1;
    for (std::size_t i = 0; exact && i < evs.size(); ++i) {
      exact = evs[i]->aggregate_id == c.aggregate_id &&
              evs[i]->version == c.first_version + static_cast<std::int64_t>(i);
    }
    if (!exact) {
      j->problem("command " + id + " appended " + std::to_string(evs.size()) +
                 " events, not once as recorded (" + c.aggregate_id + " versions " +
                 std::to_string(c.first_version) + ".." + std::to_string(c.last_version) + ")");
    }
  }
  for (const auto& [id, c] : ix.commands) {
    if (by_command.count(id) == 0) j->problem("command " + id + " is recorded without events");
  }
}

void check_domain(const LogIndex& ix, EventsJudged* j) {
  for (const auto& [id, states] : ix.states) {
    const auto& stream = ix.streams.at(id);
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (states[i].is_null()) {
        j->problem("event does not fit its aggregate: " + describe_event(*stream[i]));
        break;
      }
      if (events::balance_of(states[i]) < 0) {
        j->problem("account " + id + " balance is " +
                   std::to_string(events::balance_of(states[i])) + " after " +
                   describe_event(*stream[i]) + " (the balance never goes negative)");
        break;
      }
    }
  }
}

void check_snapshots(const LogIndex& ix, EventsJudged* j) {
  for (const auto& snap : ix.state->snapshots) {
    const auto expected = ix.state_at(snap.aggregate_id, snap.version);
    const json got = json::parse(snap.state, nullptr, false);
    if (!expected || got != *expected) {
      j->problem("snapshot " + snap.aggregate_id + "@" + std::to_string(snap.version) + " is " +
                 snap.state.substr(0, 200) + ", replay gives " +
                 (expected ? expected->dump().substr(0, 200) : "no such version"));
      continue;
    }
    const auto& stream = ix.streams.at(snap.aggregate_id);
    if (stream[static_cast<std::size_t>(snap.version) - 1]->position != snap.position) {
      j->problem("snapshot " + snap.aggregate_id + "@" + std::to_string(snap.version) +
                 " names position " + std::to_string(snap.position));
    }
  }
  j->stats["snapshots"] = ix.state->snapshots.size();
}

}  // namespace

json expected_model(const std::string& id, const json& state, std::int64_t version,
                    std::int64_t position) {
  if (state.value("kind", "") == "account") {
    return {id, state.value("owner", ""), events::balance_of(state), version, position};
  }
  return {id,
          state.value("customer_id", ""),
          state.value("status", ""),
          state.value("amount", std::int64_t{0}),
          static_cast<std::int64_t>(state.value("items", json::array()).size()),
          state.value("items_total", std::int64_t{0}),
          version,
          position};
}

namespace {

void check_read_models(const LogIndex& ix, EventsJudged* j) {
  const EventsFinalState& s = *ix.state;
  for (const char* p : {events::kReadModelsProjection, events::kPublisherProjection}) {
    const auto it = s.checkpoints.find(p);
    const std::int64_t at = it == s.checkpoints.end() ? -1 : it->second;
    if (at != ix.max_position) {
      j->problem(std::string("projection ") + p + " did not converge: checkpoint " +
                 std::to_string(at) + ", last event at " + std::to_string(ix.max_position));
    }
  }
  std::map<std::string, json> rows;
  for (const auto& a : s.accounts) {
    rows[a.account_id] = {a.account_id, a.owner, a.balance, a.version, a.position};
  }
  for (const auto& o : s.orders) {
    rows[o.order_id] = {o.order_id, o.customer_id, o.status,  o.amount,
                        o.items,    o.items_total, o.version, o.position};
  }
  for (const auto& [id, stream] : ix.streams) {
    const auto v = static_cast<std::int64_t>(stream.size());
    if (!ix.states.at(id).back().is_object()) continue;  // a broken stream: check_domain says so
    const json want = expected_model(id, ix.states.at(id).back(), v, stream.back()->position);
    const auto row = rows.find(id);
    if (row == rows.end() || row->second != want) {
      j->problem("read model of " + id + " is " +
                 (row == rows.end() ? std::string("missing") : row->second.dump()) +
                 ", the fold of its stream gives " + want.dump());
    }
  }
}

}  // namespace

std::string describe_event(const events::StoredEvent& e) {
  return e.aggregate_id + "@" + std::to_string(e.version) + " " + e.type + " (position " +
         std::to_string(e.position) + ")";
}

std::optional<json> LogIndex::state_at(const std::string& aggregate, std::int64_t version) const {
  if (version == 0) return json();
  const auto it = states.find(aggregate);
  if (version < 0 || it == states.end() || version > static_cast<std::int64_t>(it->second.size())) {
    return std::nullopt;
  }
  return it->second[static_cast<std::size_t>(version) - 1];
}

std::int64_t LogIndex::version_at_position(const std::string& aggregate,
                                           std::int64_t position) const {
  const auto it = streams.find(aggregate);
  if (it == streams.end()) return 0;
  std::int64_t n = 0;
  for (const auto* e : it->second) n += e->position <= position ? 1 : 0;
  return n;
}

LogIndex index_log(const EventsFinalState& state) {
  LogIndex ix;
  ix.state = &state;
  for (const auto& e : state.log) {
    ix.by_position[e.position] = &e;
    ix.max_position = std::max(ix.max_position, e.position);
  }
  for (const auto& e : state.events) ix.streams[e.aggregate_id].push_back(&e);
  for (const auto& c : state.commands) ix.commands[c.command_id] = &c;
  for (const auto& [id, stream] : ix.streams) {
    std::vector<json>& out = ix.states[id];
    json current;
    bool broken = false;
    for (const auto* e : stream) {
      auto next = broken
                      ? std::nullopt
                      : events::apply_event(current, e->type, json::parse(e->data, nullptr, false));
      broken = !next;
      current = next ? *next : json();
      out.push_back(current);
    }
  }
  return ix;
}

void check_store(const LogIndex& ix, EventsJudged* j) {
  check_log(ix, j);
  check_streams(ix, j);
  check_commands(ix, j);
  check_domain(ix, j);
  check_snapshots(ix, j);
  check_read_models(ix, j);
  j->stats["events"] = ix.state->log.size();
  j->stats["streams"] = ix.streams.size();
  j->stats["head"] = ix.state->counter.head;
}

checkers::CheckOutcome judge_event_store(const history::History& h) {
  checkers::CheckOutcome out;
  const history::Op* final_read = nullptr;
  for (const auto& op : h.ops) {
    if (op.f == "final-read" && op.type == history::OpType::kOk) final_read = &op;
  }
  EventsFinalState state;
  const std::string bad = final_read == nullptr ? "no final-read completed"
                                                : final_state_from_json(final_read->value, &state);
  if (!bad.empty()) {
    out.valid = checkers::Validity::kUnknown;
    out.result = {{"valid", "unknown"}, {"error", bad}};
    return out;
  }
  const LogIndex ix = index_log(state);
  EventsJudged j;
  check_store(ix, &j);
  check_clients(h, ix, &j);
  check_subscribers(h, ix, &j);
  check_time_travel(h, ix, &j);
  check_published(h, ix, &j);
  out.valid = j.problems.empty() ? checkers::Validity::kTrue : checkers::Validity::kFalse;
  out.result = {{"valid", j.problems.empty()}, {"problems", j.problems}, {"stats", j.stats}};
  return out;
}

}  // namespace fl::compose
