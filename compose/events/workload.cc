// The `event-store` workload (workload.h): clients send the seeds' commands to hot accounts and
// orders (concurrent appends, exact expected versions taken from what they last saw, retries with
// the same command_id), follow the global log as catch-up subscribers, travel in time to
// commit times and positions they saw, and read aggregates, streams and read models. Every op
// goes through the HTTP API of the event-store nodes. The judgement is the system's checks
// (check.cc, check_clients.cc), from the history alone.
#include "workloads/workload.h"

#include <nlohmann/json.hpp>

#include "compose/events/events.h"
#include "compose/events/workload.h"
#include "system/events/rfc3339.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using nlohmann::json;
using workloads::Invocation;
using workloads::OptionSpec;

constexpr std::int64_t kTimeJitterNs = 3 * io::kNsPerMs;

json account_command(EventsWorkloadState& st, const std::string& id, int k, io::Random& r) {
  if (st.created.count(id) == 0) {
    json c = {{"command_type", "CreateAccount"},
              {"data",
               {{"owner", "owner-" + std::to_string(k)}, {"initial_balance", r.between(0, 150)}}}};
    if (!r.one_in(4)) c["expected_version"] = "none";
    return c;
  }
  const bool deposit = r.one_in(2) && !r.one_in(8);
  json c = {{"command_type", deposit ? "Deposit" : "Withdraw"},
            {"data", {{"amount", deposit ? r.between(10, 60) : r.between(20, 120)}}}};
  if (r.one_in(static_cast<std::uint64_t>(st.exact_one_in))) {
    c["expected_version"] = st.known_version[id];
  } else if (r.one_in(10)) {
    c["expected_version"] = "exists";
  }
  return c;
}

json order_command(EventsWorkloadState& st, const std::string& id, io::Random& r) {
  if (st.created.count(id) == 0) {
    return {
        {"command_type", "CreateOrder"},
        {"data",
         {{"customer_id", "cust-" + std::to_string(r.below(50))}, {"amount", r.between(10, 500)}}},
        {"expected_version", "none"}};
  }
  const std::uint64_t pick = r.below(20);
  json c;
  if (pick < 10) {
    json items = json::array();
    const std::int64_t n = r.between(1, 3);
    for (std::int64_t i = 0; i < n; ++i) {
      items.push_back({{"sku", "SKU" + std::to_string(r.below(8))},
                       {"quantity", r.between(1, 3)},
                       {"price", r.between(1, 50)}});
    }
    c = {{"command_type", "AddItems"}, {"data", {{"items", items}}}};
  } else {
    c = {{"command_type", pick < 14   ? "ConfirmOrder"
                          : pick < 17 ? "ShipOrder"
                                      : "CancelOrder"},
         {"data", json::object()}};
  }
  if (r.one_in(static_cast<std::uint64_t>(st.exact_one_in))) {
    c["expected_version"] = st.known_version[id];
  }
  return c;
}

class EventsWorkload final : public workloads::Workload {
 public:
  explicit EventsWorkload(EventsWorkloadState state) : st_(std::move(state)) {}

  // The service creates its own tables; there is nothing to prepare.
  io::Status setup(io::Env&) override { return io::Status::ok(); }

  std::unique_ptr<workloads::Client> make_client(io::Env& env) override {
    return make_events_client(st_, env);
  }

  Invocation make_op(const std::string& f, std::int64_t key, io::Random& r) override {
    json v = {{"node_index", static_cast<int>(r.below(static_cast<std::uint64_t>(st_.nodes)))}};
    if (f == "subscribe") {
      v["subscriber"] = static_cast<int>(key % static_cast<std::int64_t>(st_.subscribers.size()));
      v["request"] = "GET /api/v1/log";
      return {f, v};
    }
    const std::string id = st_.aggregate_of(key);
    v["aggregate_id"] = id;
    if (f == "command") return {f, command(id, key, r, v)};
    if (f == "stream") {
      v["from_version"] = r.between(1, std::max<std::int64_t>(1, st_.known_version[id]));
    } else if (f == "restore") {
      restore_target(r, &v);
    } else {
      FL_ASSERT_MSG(f == "read" || f == "read-model", f);
    }
    return {f, v};
  }

  std::vector<Invocation> final_ops() override {
    std::vector<Invocation> ops;
    for (std::size_t s = 0; s < st_.subscribers.size(); ++s) {
      ops.push_back({"final-subscribe", {{"subscriber", static_cast<int>(s)}}});
    }
    ops.push_back({"final-read", nullptr});
    ops.push_back({"final-published", nullptr});
    return ops;
  }

  // The judgement is the system's checks ("event-store", "stream-linearizable").
  std::vector<workloads::CheckerSpec> checkers() const override { return {}; }

 private:
  json command(const std::string& id, std::int64_t key, io::Random& r, json v) {
    const int k = static_cast<int>(key % (st_.accounts + st_.orders));
    json c = k < st_.accounts ? account_command(st_, id, k, r) : order_command(st_, id, r);
    if (k >= st_.accounts) v["order_key"] = k;
    v.update(c);
    v["command_id"] = "cmd-" + std::to_string(st_.next_command++);
    v["request"] = "POST /api/v1/commands";
    return v;
  }

  // A commit time the clients saw (+-3 ms), or a position at most the highest seen.
  void restore_target(io::Random& r, json* v) {
    if (st_.committed_at.empty() || r.one_in(3)) {
      (*v)["position"] = r.between(0, st_.max_position);
      return;
    }
    const std::int64_t t = st_.committed_at[r.below(st_.committed_at.size())] +
                           r.between(-kTimeJitterNs, kTimeJitterNs);
    (*v)["point_in_time_ns"] = t;
    (*v)["point_in_time"] = events::format_rfc3339_ns(std::max<std::int64_t>(0, t));
  }

  EventsWorkloadState st_;
};

std::unique_ptr<workloads::Workload> make_events_workload(const workloads::Options& o,
                                                          std::string* error) {
  EventsWorkloadState st;
  st.nodes = o.at("nodes").get<int>();
  st.accounts = o.at("accounts").get<int>();
  st.orders = o.at("orders").get<int>();
  st.exact_one_in = o.at("exact_one_in").get<int>();
  st.settle_ns = static_cast<std::int64_t>(o.at("settle_s").get<double>() * io::kNsPerSec);
  st.subscribers.resize(o.at("subscribers").get<std::size_t>());
  auto w = std::make_unique<EventsWorkload>(std::move(st));
  const std::vector<workloads::MixEntry> mix = {{"command", 5}, {"subscribe", 5},
                                                {"read", 1},    {"stream", 1},
                                                {"restore", 1}, {"read-model", 1}};
  if (std::string e = workloads::generator_from_options(o, mix, &w->mutable_generator());
      !e.empty()) {
    *error = e;
    return nullptr;
  }
  return w;
}

}  // namespace

std::string EventsWorkloadState::node(std::size_t i) const {
  return events_node_name(1 + static_cast<int>(i % static_cast<std::size_t>(nodes)));
}

std::string EventsWorkloadState::aggregate_of(std::int64_t key) {
  const int k = static_cast<int>(key % (accounts + orders));
  if (k < accounts) return "account-" + std::to_string(k);
  return "order-" + std::to_string(k - accounts) + "." + std::to_string(order_generation[k]);
}

void EventsWorkloadState::saw_commit(std::int64_t ts_ns, std::int64_t position) {
  if (ts_ns > 0) {
    if (committed_at.size() >= kMaxTimeSamples) committed_at.erase(committed_at.begin());
    committed_at.push_back(ts_ns);
  }
  max_position = std::max(max_position, position);
}

void register_events_workload() {
  workloads::WorkloadInfo info;
  info.name = "event-store";
  info.description =
      "commands, catch-up subscribers and time travel through the event store's HTTP API";
  info.options = {
      {"nodes", OptionSpec::Kind::kInt, 2, 1, kMaxEventNodes, {}, "as the system's nodes"},
      {"accounts", OptionSpec::Kind::kInt, 3, 1, 1000, {}, "account aggregates (keys first)"},
      {"orders", OptionSpec::Kind::kInt, 3, 0, 1000, {}, "order keys (each a series of orders)"},
      {"subscribers", OptionSpec::Kind::kInt, 2, 1, 16, {}, "catch-up subscribers"},
      {"exact_one_in",
       OptionSpec::Kind::kInt,
       3,
       1,
       1000000,
       {},
       "commands with an exact "
       "expected version: one in N"},
      {"settle_s", OptionSpec::Kind::kFloat, 60.0, 0, 3600, {}, "final wait for projections"},
  };
  info.default_mix = {{"command", 5}, {"subscribe", 5}, {"read", 1},
                      {"stream", 1},  {"restore", 1},   {"read-model", 1}};
  info.needs = [](const workloads::Options&) {
    return std::vector<workloads::StoreKind>{workloads::StoreKind::kTransport,
                                             workloads::StoreKind::kSql,
                                             workloads::StoreKind::kEvents};
  };
  info.make = make_events_workload;
  workloads::register_workload(std::move(info));
}

}  // namespace fl::compose
