// The event-store workload's client (workload.h): each op is one or a few HTTP calls to the
// event-store nodes, the API production serves, and records what came back.
#include <nlohmann/json.hpp>

#include "compose/events/events.h"
#include "compose/events/workload.h"
#include "system/events/rfc3339.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using history::OpType;
using nlohmann::json;
using workloads::Completion;
using workloads::Invocation;

constexpr std::int64_t kCallTimeoutNs = 2 * io::kNsPerSec;
constexpr int kMaxCommandAttempts = 4;
constexpr std::int64_t kRetryBackoffNs = 200 * io::kNsPerMs;
constexpr std::size_t kSubscribePage = 50;
constexpr std::size_t kFinalPage = 500;
constexpr int kMaxFinalPolls = 2000;
constexpr std::int64_t kSettlePollNs = 250 * io::kNsPerMs;
constexpr std::int64_t kPublishedWaitNs = 30 * io::kNsPerSec;
constexpr std::int64_t kKafkaPollNs = 200 * io::kNsPerMs;
constexpr std::size_t kMaxErrorText = 300;

io::Result<io::Response> call(io::Env& env, const std::string& node, const std::string& method,
                              const std::string& path, const std::string& body = "") {
  return env.transport.call(node, {method, path, body, {}},
                            env.clock.deadline_after_ns(kCallTimeoutNs));
}

json parsed(const io::Response& r) { return json::parse(r.body, nullptr, false); }

std::string short_text(const std::string& s) { return s.substr(0, kMaxErrorText); }

Completion failed_read(json value, const io::Result<io::Response>& called) {
  const std::string why =
      called.is_ok() ? std::to_string(called.value().status) + " " + short_text(called.value().body)
                     : called.status().to_string();
  return {OpType::kFail, std::move(value), why};
}

// What an acknowledged command told the client.
void record_ok(EventsWorkloadState& st, const json& reply, json* value) {
  json events = json::array();
  for (const auto& e : reply.value("events", json::array())) {
    events.push_back({e.value("position", 0), e.value("version", 0), e.value("type", "")});
  }
  (*value)["events"] = events;
  (*value)["version"] = reply.value("version", 0);
  (*value)["committed_at_ns"] = reply.value("committed_at_ns", std::int64_t{0});
  (*value)["outcome"] = reply.value("duplicate", false) ? "duplicate" : "appended";
  const std::string id = value->at("aggregate_id").get<std::string>();
  st.created.insert(id);
  std::int64_t& known = st.known_version[id];
  known = std::max(known, reply.value("version", std::int64_t{0}));
  st.saw_commit(reply.value("committed_at_ns", std::int64_t{0}), reply.value("position", 0));
  const std::string type = value->at("command_type").get<std::string>();
  if (value->contains("order_key") && (type == "ShipOrder" || type == "CancelOrder")) {
    ++st.order_generation[value->at("order_key").get<int>()];  // done with it: a fresh order
  }
}

// A definite answer that is not an append (409, 422, 400): what it says about the stream.
void record_refusal(EventsWorkloadState& st, const json& reply, int status, json* value) {
  const std::string id = value->at("aggregate_id").get<std::string>();
  const std::string error = reply.value("error", "");
  (*value)["outcome"] = status == 422 ? "refused" : status == 409 ? "conflict" : "bad-request";
  if (reply.contains("current_version")) {
    (*value)["current_version"] = reply["current_version"];
    const std::int64_t v = reply.value("current_version", std::int64_t{0});
    if (v > 0) st.created.insert(id);
    std::int64_t& known = st.known_version[id];
    known = std::max(known, v);
  }
  const bool finished = error.find("(it is shipped)") != std::string::npos ||
                        error.find("(it is cancelled)") != std::string::npos;
  if (value->contains("order_key") && finished) {
    ++st.order_generation[value->at("order_key").get<int>()];
  }
}

Completion run_command(EventsWorkloadState& st, io::Env& env, const json& op) {
  json body = {{"aggregate_id", op.at("aggregate_id")},
               {"command_type", op.at("command_type")},
               {"data", op.at("data")},
               {"command_id", op.at("command_id")}};
  if (op.contains("expected_version")) body["expected_version"] = op["expected_version"];
  json value = op;
  bool unknown = false;
  std::string attempts;
  const auto first = static_cast<std::size_t>(op.at("node_index").get<int>());
  for (int attempt = 0; attempt < kMaxCommandAttempts; ++attempt) {
    if (attempt > 0) env.clock.sleep_ns(kRetryBackoffNs);
    auto called = call(env, st.node(first + static_cast<std::size_t>(attempt)), "POST",
                       "/api/v1/commands", body.dump());
    value["attempts"] = attempt + 1;
    if (!called.is_ok()) {
      unknown = unknown || !called.status().is_failed();
      attempts += "[" + called.status().to_string() + "]";
      continue;
    }
    const int status = called.value().status;
    const json reply = parsed(called.value());
    value["http_status"] = status;
    if ((status == 201 || status == 200) && reply.is_object()) {
      record_ok(st, reply, &value);
      return {OpType::kOk, value, ""};
    }
    if ((status == 409 || status == 422 || status == 400) && reply.is_object()) {
      record_refusal(st, reply, status, &value);
      // After an unknown attempt a refusal proves nothing: that attempt may still commit.
      return {unknown ? OpType::kInfo : OpType::kFail, value,
              std::to_string(status) + " " + short_text(reply.value("error", ""))};
    }
    unknown = unknown || status != 503;  // 503: a store was down before anything was written
    attempts += "[" + std::to_string(status) + " " + short_text(called.value().body) + "]";
  }
  return {unknown ? OpType::kInfo : OpType::kFail, value, attempts};
}

Completion read_aggregate(EventsWorkloadState& st, io::Env& env, const json& op) {
  const std::string id = op.at("aggregate_id").get<std::string>();
  auto called =
      call(env, st.node(op.at("node_index").get<std::size_t>()), "GET", "/api/v1/aggregates/" + id);
  json value = op;
  if (called.is_ok() && called.value().status == 404) {
    value["version"] = 0;
    value["state"] = nullptr;
    return {OpType::kOk, value, ""};
  }
  const json reply = called.is_ok() ? parsed(called.value()) : json();
  if (!called.is_ok() || called.value().status != 200 || !reply.is_object()) {
    return failed_read(value, called);
  }
  value["version"] = reply.value("version", 0);
  value["state"] = reply.value("state", json());
  value["position"] = reply.value("position", 0);
  std::int64_t& known = st.known_version[id];
  known = std::max(known, reply.value("version", std::int64_t{0}));
  return {OpType::kOk, value, ""};
}

Completion read_stream(EventsWorkloadState& st, io::Env& env, const json& op) {
  const std::string id = op.at("aggregate_id").get<std::string>();
  const std::string path = "/api/v1/events/" + id +
                           "?from_version=" + std::to_string(op.at("from_version").get<int>()) +
                           "&limit=20";
  auto called = call(env, st.node(op.at("node_index").get<std::size_t>()), "GET", path);
  json value = op;
  const json reply = called.is_ok() ? parsed(called.value()) : json();
  if (!called.is_ok() || called.value().status != 200 || !reply.is_object()) {
    return failed_read(value, called);
  }
  json events = json::array();
  for (const auto& e : reply.value("events", json::array())) {
    events.push_back({e.value("position", 0), e.value("version", 0), e.value("type", ""),
                      e.value("data", json()).dump()});
  }
  value["events"] = events;
  return {OpType::kOk, value, ""};
}

// One catch-up read for subscriber `s`: ok (events advance its checkpoint) or not.
io::Result<json> poll_log(EventsWorkloadState& st, io::Env& env, std::size_t node, int s,
                          std::size_t limit) {
  EventsSubscriber& sub = st.subscribers.at(static_cast<std::size_t>(s));
  const std::int64_t after = sub.checkpoint;
  auto called =
      call(env, st.node(node), "GET",
           "/api/v1/log?after=" + std::to_string(after) + "&limit=" + std::to_string(limit));
  if (!called.is_ok()) return called.status();
  const json reply = parsed(called.value());
  if (called.value().status != 200 || !reply.is_object()) {
    return io::Status::failed(
        io::ErrorKind::kUnavailable,
        std::to_string(called.value().status) + " " + short_text(called.value().body));
  }
  json page = {{"after", after}, {"head", reply.value("head", 0)}, {"events", json::array()}};
  for (const auto& e : reply.value("events", json::array())) {
    page["events"].push_back({e.value("position", 0), e.value("aggregate_id", ""),
                              e.value("version", 0), e.value("type", "")});
    sub.checkpoint = std::max(sub.checkpoint, e.value("position", std::int64_t{0}));
  }
  return page;
}

Completion subscribe(EventsWorkloadState& st, io::Env& env, const json& op) {
  const int s = op.at("subscriber").get<int>();
  EventsSubscriber& sub = st.subscribers.at(static_cast<std::size_t>(s));
  if (sub.busy) return {OpType::kFail, op, "subscriber busy"};
  sub.busy = true;
  auto page = poll_log(st, env, op.at("node_index").get<std::size_t>(), s, kSubscribePage);
  sub.busy = false;
  if (!page.is_ok()) return {OpType::kFail, op, page.status().to_string()};
  json value = op;
  value.update(page.value());
  return {OpType::kOk, value, ""};
}

Completion restore(EventsWorkloadState& st, io::Env& env, const json& op) {
  json body = {{"aggregate_id", op.at("aggregate_id")}};
  if (op.contains("position")) {
    body["position"] = op["position"];
  } else {
    body["point_in_time"] = op.at("point_in_time");
  }
  auto called = call(env, st.node(op.at("node_index").get<std::size_t>()), "POST",
                     "/api/v1/time-travel/restore", body.dump());
  json value = op;
  const json reply = called.is_ok() ? parsed(called.value()) : json();
  if (!called.is_ok() || called.value().status != 200 || !reply.is_object()) {
    return failed_read(value, called);
  }
  value["answer"] = {{"state", reply.value("state", json())},
                     {"version", reply.value("version", 0)},
                     {"position", reply.value("position", 0)}};
  return {OpType::kOk, value, ""};
}

Completion read_model(EventsWorkloadState& st, io::Env& env, const json& op) {
  const std::string id = op.at("aggregate_id").get<std::string>();
  const std::string kind = id.rfind("account-", 0) == 0 ? "accounts" : "orders";
  auto called = call(env, st.node(op.at("node_index").get<std::size_t>()), "GET",
                     "/api/v1/read-models/" + kind + "/" + id);
  json value = op;
  if (called.is_ok() && called.value().status == 404) {
    value["model"] = nullptr;
    return {OpType::kOk, value, ""};
  }
  const json reply = called.is_ok() ? parsed(called.value()) : json();
  if (!called.is_ok() || called.value().status != 200 || !reply.is_object()) {
    return failed_read(value, called);
  }
  value["model"] = reply;
  return {OpType::kOk, value, ""};
}

Completion final_subscribe(EventsWorkloadState& st, io::Env& env, const json& op) {
  const int s = op.at("subscriber").get<int>();
  json value = op;
  value["pages"] = json::array();
  for (int poll = 0; poll < kMaxFinalPolls; ++poll) {
    auto page = poll_log(st, env, static_cast<std::size_t>(poll), s, kFinalPage);
    if (!page.is_ok()) return {OpType::kFail, value, page.status().to_string()};
    const bool empty = page.value()["events"].empty();
    if (!empty) value["pages"].push_back(page.value());
    const std::int64_t head = page.value()["head"].get<std::int64_t>();
    if (empty && st.subscribers.at(static_cast<std::size_t>(s)).checkpoint >= head) {
      return {OpType::kOk, value, ""};
    }
    if (empty) env.clock.sleep_ns(kSettlePollNs);
  }
  return {OpType::kFail, value, "subscriber " + std::to_string(s) + " did not reach the head"};
}

Completion final_read(EventsWorkloadState& st, io::Env& env) {
  const std::int64_t until = env.clock.monotonic_ns() + st.settle_ns;
  io::Result<EventsFinalState> state = read_events_final_state(env);
  const auto settled = [](const EventsFinalState& s) {
    for (const char* p : {events::kReadModelsProjection, events::kPublisherProjection}) {
      const auto it = s.checkpoints.find(p);
      if (it == s.checkpoints.end() || it->second < s.counter.head) return false;
    }
    return true;
  };
  while (env.clock.monotonic_ns() < until && (!state.is_ok() || !settled(state.value()))) {
    env.clock.sleep_ns(kSettlePollNs);
    state = read_events_final_state(env);
  }
  if (!state.is_ok()) return {OpType::kFail, nullptr, state.status().to_string()};
  st.expected_keys.clear();
  for (const auto& e : state.value().log) st.expected_keys.insert({e.aggregate_id, e.version});
  return {OpType::kOk, final_state_json(state.value()), ""};
}

Completion final_published(EventsWorkloadState& st, io::Env& env) {
  if (env.events == nullptr) return {OpType::kFail, nullptr, "no Kafka in this run"};
  if (!st.kafka_subscribed) {
    io::Status s = env.events->subscribe("event-store-check", {events::kEventsTopic});
    if (!s.is_ok()) return {OpType::kFail, nullptr, s.to_string()};
    st.kafka_subscribed = true;
  }
  const std::int64_t until = env.clock.monotonic_ns() + kPublishedWaitNs;
  while (env.clock.monotonic_ns() < until && st.consumed_keys.size() < st.expected_keys.size() &&
         st.consumed.size() < kMaxConsumedRecords) {
    auto polled = env.events->poll(kFinalPage, env.clock.deadline_after_ns(kKafkaPollNs));
    if (!polled.is_ok()) continue;
    for (const auto& r : polled.value()) {
      const json v = json::parse(r.value, nullptr, false);
      const std::int64_t version = v.is_object() ? v.value("version", std::int64_t{-1}) : -1;
      st.consumed.push_back({r.partition, r.offset, r.key, version});
      st.consumed_keys.insert({r.key, version});
    }
  }
  return {OpType::kOk,
          {{"records", st.consumed},
           {"expected", st.expected_keys.size()},
           {"distinct", st.consumed_keys.size()}},
          ""};
}

class EventsClient final : public workloads::Client {
 public:
  EventsClient(EventsWorkloadState& state, io::Env& env) : st_(state), env_(env) {}

  Completion invoke(const Invocation& op) override {
    if (op.f == "command") return run_command(st_, env_, op.value);
    if (op.f == "read") return read_aggregate(st_, env_, op.value);
    if (op.f == "stream") return read_stream(st_, env_, op.value);
    if (op.f == "subscribe") return subscribe(st_, env_, op.value);
    if (op.f == "restore") return restore(st_, env_, op.value);
    if (op.f == "read-model") return read_model(st_, env_, op.value);
    if (op.f == "final-subscribe") return final_subscribe(st_, env_, op.value);
    if (op.f == "final-read") return final_read(st_, env_);
    FL_ASSERT_EQ(op.f, "final-published");
    return final_published(st_, env_);
  }

 private:
  EventsWorkloadState& st_;
  io::Env& env_;
};

}  // namespace

std::unique_ptr<workloads::Client> make_events_client(EventsWorkloadState& state, io::Env& env) {
  return std::make_unique<EventsClient>(state, env);
}

}  // namespace fl::compose
