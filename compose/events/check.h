// The event-store system's checks, shared by check.cc (the store's own invariants, from the final
// read) and check_clients.cc (what clients, subscribers and Kafka consumers saw). Internal to
// compose/events. Every violation is one problem in words; the list is bounded.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compose/events/events.h"

namespace fl::compose {

constexpr std::size_t kMaxEventsProblems = 60;

struct EventsJudged {
  std::vector<std::string> problems;
  nlohmann::json stats = nlohmann::json::object();
  void problem(std::string text) {
    if (problems.size() < kMaxEventsProblems) problems.push_back(std::move(text));
    stats["problems"] = stats.value("problems", 0) + 1;
  }
};

// The final log, indexed, with every stream folded once.
struct LogIndex {
  const EventsFinalState* state = nullptr;
  std::map<std::int64_t, const events::StoredEvent*> by_position;
  std::map<std::string, std::vector<const events::StoredEvent*>> streams;  // version order
  // states[aggregate][i]: the state after version i + 1 (null where an event did not fit).
  std::map<std::string, std::vector<nlohmann::json>> states;
  std::map<std::string, const events::CommandRecord*> commands;
  std::int64_t max_position = 0;

  // The aggregate's state after `version` events (null for 0); nullopt if it has fewer.
  std::optional<nlohmann::json> state_at(const std::string& aggregate, std::int64_t version) const;
  // How many of the aggregate's events have a position <= `position`.
  std::int64_t version_at_position(const std::string& aggregate, std::int64_t position) const;
};

LogIndex index_log(const EventsFinalState& state);
// The store's invariants (check.cc).
void check_store(const LogIndex& index, EventsJudged* j);
// What the clients saw (check_clients.cc).
void check_clients(const history::History& history, const LogIndex& index, EventsJudged* j);
void check_subscribers(const history::History& history, const LogIndex& index, EventsJudged* j);
void check_time_travel(const history::History& history, const LogIndex& index, EventsJudged* j);
void check_published(const history::History& history, const LogIndex& index, EventsJudged* j);

std::string describe_event(const events::StoredEvent& e);
// The read-model row (as the final state's JSON array) that the fold `state` at `version` implies.
nlohmann::json expected_model(const std::string& id, const nlohmann::json& state,
                              std::int64_t version, std::int64_t position);

}  // namespace fl::compose
