// The "event-store" check, part two: the history held to the final log (check.h).
//  - an acknowledged command's events are in the log where the client was told; a command the
//    client saw refused definitely appended nothing;
//  - reads of aggregates, streams and read models returned folds of a prefix of the log (events
//    are immutable; a read model is its stream's fold at its version);
//  - every subscriber read every committed event, in position order: a page that ends at m
//    after a holds exactly the log's positions in (a, m]; after the final catch-up it reached
//    the log's end (no subscriber skips or reorders an event);
//  - time travel: an answer at position p is the fold of the aggregate's events at or below p;
//    a point in time T resolves to the highest position whose store time is <= T; the same
//    question always gets the same answer (a stable prefix);
//  - Kafka: every event was published, and per aggregate the first copies come in version order.
// And "stream-linearizable": each stream's version as a cas register (appends are cas(v, v+n),
// refusals and reads observe a version) through the linearizable checker.
#include <set>

#include "compose/events/check.h"

namespace fl::compose {
namespace {

using history::OpType;
using nlohmann::json;

bool is_completion(const history::Op& op, const char* f) {
  return op.process != history::kNemesisProcess && op.type != OpType::kInvoke && op.f == f;
}

std::string op_ref(const history::Op& op) { return "(op " + std::to_string(op.index) + ")"; }

void check_command(const history::Op& op, const LogIndex& ix, EventsJudged* j) {
  const json& v = op.value;
  const std::string id = v.value("command_id", "");
  const std::string agg = v.value("aggregate_id", "");
  if (op.type == OpType::kOk) {
    std::int64_t first = -1;
    for (const auto& e : v.value("events", json::array())) {
      const auto it = ix.by_position.find(e.at(0).get<std::int64_t>());
      const bool there = it != ix.by_position.end() && it->second->aggregate_id == agg &&
                         it->second->version == e.at(1).get<std::int64_t>() &&
                         it->second->command_id == id;
      if (!there) {
        j->problem("acknowledged command " + id + " on " + agg + ": no event " + e.dump() +
                   " in the log " + op_ref(op));
      }
      if (first < 0) first = e.at(1).get<std::int64_t>();
    }
    const json& expected = v.value("expected_version", json());
    if (v.value("outcome", "") == "appended" && expected.is_number_integer() &&
        first != expected.get<std::int64_t>() + 1) {
      j->problem("command " + id + " expected version " + expected.dump() + " but appended at " +
                 std::to_string(first) + " " + op_ref(op));
    }
  } else if (op.type == OpType::kFail && ix.commands.count(id) != 0) {
    j->problem("command " + id + " was refused definitely (" + v.value("outcome", "") +
               ") but appended " + op_ref(op));
  }
}

void check_read(const history::Op& op, const LogIndex& ix, EventsJudged* j) {
  const json& v = op.value;
  const std::string agg = v.value("aggregate_id", "");
  const std::int64_t version = v.value("version", std::int64_t{-1});
  const auto want = ix.state_at(agg, version);
  if (!want || *want != v.value("state", json())) {
    j->problem("read of " + agg + " at version " + std::to_string(version) + " returned " +
               v.value("state", json()).dump().substr(0, 200) + ", the log's fold is " +
               (want ? want->dump().substr(0, 200) : "no such version") + " " + op_ref(op));
  }
}

void check_stream_read(const history::Op& op, const LogIndex& ix, EventsJudged* j) {
  const std::string agg = op.value.value("aggregate_id", "");
  const auto stream = ix.streams.find(agg);
  for (const auto& e : op.value.value("events", json::array())) {
    const std::int64_t version = e.at(1).get<std::int64_t>();
    const bool there = stream != ix.streams.end() && version >= 1 &&
                       version <= static_cast<std::int64_t>(stream->second.size());
    const events::StoredEvent* s =
        there ? stream->second[static_cast<std::size_t>(version) - 1] : nullptr;
    if (s == nullptr || s->position != e.at(0).get<std::int64_t>() ||
        s->type != e.at(2).get<std::string>() ||
        json::parse(s->data, nullptr, false) !=
            json::parse(e.at(3).get<std::string>(), nullptr, false)) {
      j->problem("stream read of " + agg + " returned " + e.dump().substr(0, 200) +
                 ", which the log does not hold (events are immutable) " + op_ref(op));
    }
  }
}

json model_row(const json& m) {
  if (m.contains("account_id")) {
    return {m.value("account_id", ""), m.value("owner", ""), m.value("balance", 0),
            m.value("version", 0), m.value("position", 0)};
  }
  return {m.value("order_id", ""), m.value("customer_id", ""), m.value("status", ""),
          m.value("amount", 0),    m.value("items", 0),        m.value("items_total", 0),
          m.value("version", 0),   m.value("position", 0)};
}

void check_model_read(const history::Op& op, const LogIndex& ix, EventsJudged* j) {
  const json& m = op.value.value("model", json());
  if (!m.is_object()) return;  // not projected yet
  const std::string agg = op.value.value("aggregate_id", "");
  const std::int64_t version = m.value("version", std::int64_t{0});
  const auto state = ix.state_at(agg, version);
  const auto stream = ix.streams.find(agg);
  if (!state || version < 1 || !state->is_object() || stream == ix.streams.end()) {
    j->problem("read model of " + agg + " at version " + std::to_string(version) +
               " has no such stream prefix " + op_ref(op));
    return;
  }
  const std::int64_t position = stream->second[static_cast<std::size_t>(version) - 1]->position;
  const json want = expected_model(agg, *state, version, position);
  if (model_row(m) != want) {
    j->problem("read model of " + agg + " returned " + model_row(m).dump() + ", the fold at its " +
               "version gives " + want.dump() + " " + op_ref(op));
  }
}

struct Page {
  std::int64_t after = 0;
  json events;  // [[position, aggregate, version, type]]
  std::int64_t op_index = 0;
};

void check_page(int s, const Page& p, const LogIndex& ix, EventsJudged* j) {
  const std::int64_t last = p.events.back().at(0).get<std::int64_t>();
  auto want = ix.by_position.upper_bound(p.after);
  for (const auto& e : p.events) {
    const std::int64_t pos = e.at(0).get<std::int64_t>();
    if (want != ix.by_position.end() && want->first < pos) {
      j->problem("subscriber " + std::to_string(s) + " skipped " + describe_event(*want->second) +
                 ": it read after " + std::to_string(p.after) + " up to " + std::to_string(last) +
                 " (op " + std::to_string(p.op_index) + ")");
      return;
    }
    const bool same = want != ix.by_position.end() && want->first == pos &&
                      want->second->aggregate_id == e.at(1).get<std::string>() &&
                      want->second->version == e.at(2).get<std::int64_t>();
    if (!same) {
      j->problem("subscriber " + std::to_string(s) + " read " + e.dump() +
                 " out of order or unlike the log (op " + std::to_string(p.op_index) + ")");
      return;
    }
    ++want;
  }
}

}  // namespace

void check_clients(const history::History& h, const LogIndex& ix, EventsJudged* j) {
  for (const auto& op : h.ops) {
    if (is_completion(op, "command")) check_command(op, ix, j);
    if (op.type != OpType::kOk) continue;
    if (is_completion(op, "read")) check_read(op, ix, j);
    if (is_completion(op, "stream")) check_stream_read(op, ix, j);
    if (is_completion(op, "read-model")) check_model_read(op, ix, j);
  }
}

void check_subscribers(const history::History& h, const LogIndex& ix, EventsJudged* j) {
  std::map<int, std::vector<Page>> pages;
  std::set<int> caught_up;
  for (const auto& op : h.ops) {
    if (op.type != OpType::kOk) continue;
    const int s = op.value.value("subscriber", -1);
    if (is_completion(op, "subscribe")) {
      pages[s].push_back(
          {op.value.value("after", std::int64_t{0}), op.value.at("events"), op.index});
    } else if (is_completion(op, "final-subscribe")) {
      for (const auto& p : op.value.at("pages")) {
        pages[s].push_back({p.value("after", std::int64_t{0}), p.at("events"), op.index});
      }
      caught_up.insert(s);
    }
  }
  std::int64_t delivered = 0;
  for (const auto& [s, list] : pages) {
    std::int64_t reached = 0;
    for (const Page& p : list) {
      if (p.after != reached) {
        j->problem("subscriber " + std::to_string(s) + " resumed after " + std::to_string(p.after) +
                   " but had reached " + std::to_string(reached));
      }
      if (p.events.empty()) continue;
      check_page(s, p, ix, j);
      reached = p.events.back().at(0).get<std::int64_t>();
      delivered += static_cast<std::int64_t>(p.events.size());
    }
    if (caught_up.count(s) != 0 && reached < ix.max_position) {
      j->problem("subscriber " + std::to_string(s) + " caught up at " + std::to_string(reached) +
                 " but the log ends at " + std::to_string(ix.max_position));
    }
  }
  j->stats["delivered"] = delivered;
}

void check_time_travel(const history::History& h, const LogIndex& ix, EventsJudged* j) {
  std::map<std::string, json> answers;  // question -> first answer
  std::int64_t checked = 0;
  for (const auto& op : h.ops) {
    if (!is_completion(op, "restore") || op.type != OpType::kOk) continue;
    const json& v = op.value;
    const std::string agg = v.value("aggregate_id", "");
    const json& a = v.at("answer");
    std::int64_t p = v.value("position", std::int64_t{-1});
    std::string question = agg + " at position " + std::to_string(p);
    if (p < 0) {
      const std::int64_t t = v.value("point_in_time_ns", std::int64_t{0});
      p = 0;
      for (const auto& [pos, e] : ix.by_position) p = e->ts_ns <= t ? pos : p;
      question = agg + " at " + v.value("point_in_time", "");
    }
    const std::int64_t got = a.value("position", std::int64_t{-1});
    if (got != p) {
      j->problem("time travel to " + question + " answered as of position " + std::to_string(got) +
                 "; by the store's commit order it is " + std::to_string(p) + " " + op_ref(op));
    }
    const std::int64_t k = ix.version_at_position(agg, got);
    const auto want = ix.state_at(agg, k);
    if (!want || a.value("version", std::int64_t{-1}) != k || a.value("state", json()) != *want) {
      j->problem("time travel to " + question + " returned version " +
                 a.value("version", json()).dump() + " " +
                 a.value("state", json()).dump().substr(0, 160) +
                 ", the fold of the events at or before position " + std::to_string(got) +
                 " is version " + std::to_string(k) + " " + op_ref(op));
    }
    const auto [first, fresh] = answers.emplace(question, a);
    if (!fresh && first->second != a) {
      j->problem("time travel to " + question +
                 " is not stable: " + first->second.dump().substr(0, 160) + " then " +
                 a.dump().substr(0, 160) + " " + op_ref(op));
    }
    ++checked;
  }
  j->stats["restores"] = checked;
}

void check_published(const history::History& h, const LogIndex& ix, EventsJudged* j) {
  const history::Op* last = nullptr;
  for (const auto& op : h.ops) {
    if (is_completion(op, "final-published") && op.type == OpType::kOk) last = &op;
  }
  if (last == nullptr) return;  // the run fails on its liveness already
  std::map<std::string, std::int64_t> reached;
  std::set<std::string> reported;
  for (const auto& r : last->value.at("records")) {
    const std::string key = r.at(2).get<std::string>();
    const std::int64_t version = r.at(3).get<std::int64_t>();
    std::int64_t& at = reached[key];
    if (version == at + 1) {
      at = version;
    } else if (version > at + 1 && reported.insert(key).second) {
      j->problem("Kafka: " + key + " version " + std::to_string(version) +
                 " was published before version " + std::to_string(at + 1));
    }
  }
  for (const auto& [id, stream] : ix.streams) {
    const auto at = reached.count(id) ? reached.at(id) : 0;
    if (at < static_cast<std::int64_t>(stream.size()) && reported.insert(id).second) {
      j->problem("Kafka: " + id + " was published up to version " + std::to_string(at) + " of " +
                 std::to_string(stream.size()));
    }
  }
}

}  // namespace fl::compose
