// The event-store workload's shared state and its client (workload.cc builds ops, client.cc
// performs them). Internal to compose/events.
//
// Ops (f, value at invocation -> what the completion adds):
//   command       {aggregate_id, command_type, data, command_id, expected_version?, node}
//                 -> {http_status, outcome, version, events: [[position, version, type]],
//                     committed_at_ns, current_version, attempts}; retried with the same
//                 command_id on another node while the outcome is unknown (bounded)
//   read          {aggregate_id, node} -> {version, state, position}
//   stream        {aggregate_id, from_version, node} -> {events: [[pos, ver, type, data]]}
//   subscribe     {subscriber, node} -> {after, events: [[pos, aggregate, ver, type]], head}
//   restore       {aggregate_id, point_in_time, point_in_time_ns | position, node}
//                 -> {answer: {state, version, position}}
//   read-model    {aggregate_id, node} -> {model: the row or null}
// Final ops: final-subscribe (each subscriber catches up: {subscriber, pages}), final-read
// (waits for the projections, then the whole store: final_state_json), final-published
// (consumes the Kafka topic from the start: {records: [[partition, offset, aggregate, ver]]}).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "system/io/env.h"
#include "workloads/workload.h"

namespace fl::compose {

constexpr std::size_t kMaxTimeSamples = 256;
constexpr std::size_t kMaxConsumedRecords = 100000;

struct EventsSubscriber {
  std::int64_t checkpoint = 0;  // the last position delivered
  bool busy = false;            // a poll is in flight (one at a time per subscriber)
};

struct EventsWorkloadState {
  int nodes = 2;
  int accounts = 4;
  int orders = 4;
  int exact_one_in = 3;  // one command in N carries the exact expected version last seen
  std::int64_t settle_ns = 60 * io::kNsPerSec;
  std::int64_t next_command = 0;
  std::set<std::string> created;                      // aggregates known to exist
  std::map<std::string, std::int64_t> known_version;  // the newest version seen per aggregate
  std::map<int, int> order_generation;                // order key -> its current order's number
  std::vector<std::int64_t> committed_at;             // recent commit times seen (ring)
  std::int64_t max_position = 0;
  std::vector<EventsSubscriber> subscribers;
  // final-published: the consumer, once per run, and what it consumed so far.
  bool kafka_subscribed = false;
  nlohmann::json consumed = nlohmann::json::array();
  std::set<std::pair<std::string, std::int64_t>> consumed_keys;
  std::set<std::pair<std::string, std::int64_t>> expected_keys;  // from final-read

  std::string node(std::size_t i) const;  // events<1 + i % nodes>
  std::string aggregate_of(std::int64_t key);
  void saw_commit(std::int64_t ts_ns, std::int64_t position);
};

// The client of one process (client.cc).
std::unique_ptr<workloads::Client> make_events_client(EventsWorkloadState& state, io::Env& env);

}  // namespace fl::compose
