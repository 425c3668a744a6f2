// Proves the event store end to end on the simulator: the harness' "event-store" system (service
// nodes events1.., each the ServiceHost that `faultline serve event-store` runs) over simulated
// PostgreSQL and Kafka, driven through the HTTP API from a client Env. The seeds' examples work;
// expected versions, idempotent retries and concurrent appends behave as EventStoreDB's do;
// snapshots equal replay and loading uses them; time travel answers a question the same way
// before and after later appends; the global log reads gap-free and the projections converge;
// bad input gets a clear 4xx; a node killed mid-traffic restarts into a consistent store (the
// system's own checks judge the final state).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "compose/events/check.h"
#include "compose/events/events.h"
#include "system/events/rfc3339.h"
#include "tests/support/sim_system.h"

namespace fl::test {
namespace {

using nlohmann::json;

constexpr std::int64_t kCallTimeoutNs = 3 * io::kNsPerSec;

struct Reply {
  int status = 0;
  json body;
};

struct Http {
  io::Env& env;
  std::string node = "events1";

  Reply call(const std::string& method, const std::string& path, const std::string& body) {
    auto r = env.transport.call(node, {method, path, body, {}},
                                env.clock.deadline_after_ns(kCallTimeoutNs));
    if (!r.is_ok()) return {-1, r.status().to_string()};
    return {r.value().status, json::parse(r.value().body, nullptr, false)};
  }
  Reply post(const std::string& path, const json& body) { return call("POST", path, body.dump()); }
  Reply get(const std::string& path) { return call("GET", path, ""); }
  Reply command(const std::string& id, const std::string& type, const json& data,
                const json& expected = nullptr, const std::string& command_id = "") {
    json body = {{"aggregate_id", id}, {"command_type", type}, {"data", data}};
    if (!expected.is_null()) body["expected_version"] = expected;
    if (!command_id.empty()) body["command_id"] = command_id;
    return post("/api/v1/commands", body);
  }
};

SimSystemOptions events_options(json system_options = json::object(), std::uint64_t seed = 1) {
  SimSystemOptions o;
  o.system = "event-store";
  o.system_options = std::move(system_options);
  o.stores.kafka = true;
  o.seed = seed;
  return o;
}

// Waits (bounded) until both projections have reached the head.
bool wait_projected(io::Env& env, Http& http) {
  for (int i = 0; i < 200; ++i) {
    const Reply p = http.get("/api/v1/projections");
    bool done = p.status == 200;
    for (const auto& x : p.body.value("projections", json::array())) done = done && x["lag"] == 0;
    if (done) return true;
    env.clock.sleep_ns(50 * io::kNsPerMs);
  }
  return false;
}

// Runs `body` with an Http to events1, then the system's store checks on the final state.
std::vector<std::string> run(const json& system_options,
                             const std::function<void(harness::Runtime&, Http&)>& body) {
  std::vector<std::string> problems;
  const auto report = run_sim_system(events_options(system_options), [&](harness::Runtime& rt) {
    Http http{rt.client_env(0)};
    for (const char* node : {"events1", "events2"}) {  // started: serving, tables created
      Http probe{rt.client_env(0), node};
      for (int i = 0; i < 100 && probe.get("/health").status != 200; ++i) {
        rt.client_env(0).clock.sleep_ns(100 * io::kNsPerMs);
      }
    }
    body(rt, http);
    http.node = "events1";
    EXPECT_TRUE(wait_projected(rt.client_env(0), http));
    auto state = compose::read_events_final_state(rt.client_env(0));
    ASSERT_TRUE(state.is_ok()) << state.status().to_string();
    compose::EventsJudged j;
    const compose::LogIndex ix = compose::index_log(state.value());
    compose::check_store(ix, &j);
    problems = j.problems;
  });
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  return problems;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

TEST(EventsSim, SeedsExamples) {
  const auto problems = run(json::object(), [](harness::Runtime& rt, Http& http) {
    Reply r = http.command("account-123", "CreateAccount",
                           {{"owner", "John Doe"}, {"initial_balance", 1000}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body["version"], 2);
    const std::string created_at = r.body["committed_at"];
    r = http.command("account-123", "Withdraw", {{"amount", 200}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body["version"], 3);
    r = http.command("order-123", "CreateOrder", {{"customer_id", "cust-456"}, {"amount", 100}});
    ASSERT_EQ(r.status, 201) << r.body;
    r = http.get("/api/v1/events/account-123");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.body["events"].size(), 3u);
    EXPECT_EQ(r.body["events"][2]["type"], "Withdrawn");
    r = http.get("/api/v1/aggregates/account-123");
    EXPECT_EQ(r.body["state"]["balance"], 800) << r.body;
    r = http.post("/api/v1/time-travel/restore",
                  {{"aggregate_id", "account-123"}, {"point_in_time", created_at}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body["state"]["balance"], 1000) << r.body;
    EXPECT_EQ(r.body["version"], 2);
    r = http.post("/api/v1/time-travel/restore",
                  {{"aggregate_id", "account-123"}, {"point_in_time", "2024-01-01T12:00:00Z"}});
    ASSERT_EQ(r.status, 200) << r.body;  // before anything happened: no state yet
    EXPECT_EQ(r.body["version"], 0);
    EXPECT_TRUE(r.body["state"].is_null());
    EXPECT_TRUE(wait_projected(rt.client_env(0), http));
    r = http.get("/api/v1/read-models/accounts/account-123");
    EXPECT_EQ(r.body["balance"], 800) << r.body;
  });
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

TEST(EventsSim, ExpectedVersionsAndIdempotentRetries) {
  const auto problems = run(json::object(), [](harness::Runtime&, Http& http) {
    EXPECT_EQ(http.command("a", "CreateAccount", {{"owner", "o"}}, "none").status, 201);
    Reply again = http.command("a", "CreateAccount", {{"owner", "o"}}, "none");
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(again.body["current_version"], 1);
    EXPECT_EQ(http.command("b", "Deposit", {{"amount", 1}}, "exists").status, 409);
    EXPECT_EQ(http.command("a", "Deposit", {{"amount", 5}}, 1).status, 201);
    EXPECT_EQ(http.command("a", "Deposit", {{"amount", 5}}, 1).status, 409);  // stale
    const Reply first = http.command("a", "Withdraw", {{"amount", 3}}, 2, "cmd-1");
    ASSERT_EQ(first.status, 201) << first.body;
    // The retry (even with an expected version that no longer holds) gets the same answer.
    const Reply retry = http.command("a", "Withdraw", {{"amount", 3}}, 2, "cmd-1");
    EXPECT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(retry.body["events"], first.body["events"]);
    EXPECT_TRUE(retry.body["duplicate"].get<bool>());
    EXPECT_EQ(http.command("b", "CreateAccount", {{"owner", "o"}}, nullptr, "cmd-1").status, 409);
    const Reply refused = http.command("a", "Withdraw", {{"amount", 100}});
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(refused.body["current_version"], 3);
    EXPECT_EQ(http.get("/api/v1/aggregates/a").body["state"]["balance"], 2);
  });
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

TEST(EventsSim, OfConcurrentAppendsWithOneExpectedVersionExactlyOneSucceeds) {
  const auto problems = run(json::object(), [](harness::Runtime& rt, Http& http) {
    ASSERT_EQ(http.command("hot", "CreateAccount", {{"owner", "o"}}).status, 201);
    std::vector<int> statuses;
    int running = 6;
    for (int i = 0; i < 6; ++i) {
      rt.spawn("appender", [&, i] {
        Http mine{rt.client_env(1 + i), i % 2 == 0 ? "events1" : "events2"};
        statuses.push_back(mine.command("hot", "Deposit", {{"amount", 10 + i}}, 1).status);
        --running;
      });
    }
    for (int i = 0; i < 100 && running > 0; ++i)
      rt.client_env(0).clock.sleep_ns(io::kNsPerSec / 10);
    ASSERT_EQ(running, 0);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 5);
    EXPECT_EQ(http.get("/api/v1/aggregates/hot").body["version"], 2);
  });
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

TEST(EventsSim, SnapshotsEqualReplayAndLoadingStartsFromThem) {
  const auto problems = run({{"snapshot_every", 3}}, [](harness::Runtime&, Http& http) {
    ASSERT_EQ(http.command("o", "CreateOrder", {{"customer_id", "c"}, {"amount", 1}}).status, 201);
    for (int i = 0; i < 4; ++i) {  // 3 items each: boundaries fall inside commands
      json items = json::array();
      for (int k = 0; k < 3; ++k) items.push_back({{"sku", "S"}, {"quantity", 1}, {"price", i}});
      ASSERT_EQ(http.command("o", "AddItems", {{"items", items}}).status, 201);
    }
    const Reply snaps = http.get("/api/v1/aggregates/o/snapshots");
    ASSERT_EQ(snaps.status, 200);
    std::vector<int> versions;
    for (const auto& s : snaps.body["snapshots"]) versions.push_back(s["version"]);
    EXPECT_EQ(versions, (std::vector<int>{3, 6, 9, 12}));
    const Reply view = http.get("/api/v1/aggregates/o");
    EXPECT_EQ(view.body["version"], 13);
    EXPECT_EQ(view.body["snapshot_version"], 12);
    EXPECT_EQ(view.body["state"]["items_total"], 18) << view.body;
  });
  EXPECT_TRUE(problems.empty()) << joined(problems);  // check_store compares each snapshot
}

TEST(EventsSim, TimeTravelIsAStablePrefix) {
  const auto problems = run(json::object(), [](harness::Runtime& rt, Http& http) {
    const Reply a =
        http.command("acct", "CreateAccount", {{"owner", "o"}, {"initial_balance", 10}});
    ASSERT_EQ(a.status, 201);
    // Half a second past the last commit: the store's clock is fenced forward to it.
    const std::int64_t t = a.body["committed_at_ns"].get<std::int64_t>() + io::kNsPerSec / 2;
    const json ask = {{"aggregate_id", "acct"}, {"point_in_time", events::format_rfc3339_ns(t)}};
    const Reply before = http.post("/api/v1/time-travel/restore", ask);
    ASSERT_EQ(before.status, 200) << before.body;
    EXPECT_EQ(before.body["version"], 2);
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(http.command("acct", "Deposit", {{"amount", 1}}).status, 201);
    }
    rt.client_env(0).clock.sleep_ns(io::kNsPerSec);
    const Reply after = http.post("/api/v1/time-travel/restore", ask);
    EXPECT_EQ(after.body, before.body);
    const Reply by_position =
        http.post("/api/v1/time-travel/restore", {{"aggregate_id", "acct"}, {"position", 3}});
    EXPECT_EQ(by_position.body["version"], 3);
    EXPECT_EQ(by_position.body["state"]["balance"], 11);
    const Reply beyond =
        http.post("/api/v1/time-travel/restore", {{"aggregate_id", "acct"}, {"position", 99}});
    EXPECT_EQ(beyond.status, 409) << beyond.body;
    const Reply future =
        http.post("/api/v1/time-travel/restore",
                  {{"aggregate_id", "acct"}, {"point_in_time", "2200-01-01T00:00:00Z"}});
    EXPECT_EQ(future.status, 409) << future.body;
  });
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

TEST(EventsSim, TheLogReadsWithoutGapsAndProjectionsConverge) {
  const auto problems = run(json::object(), [](harness::Runtime& rt, Http& http) {
    for (int i = 0; i < 8; ++i) {
      http.node = i % 2 == 0 ? "events1" : "events2";
      ASSERT_EQ(http.command("x" + std::to_string(i % 3), i < 3 ? "CreateAccount" : "Deposit",
                             i < 3 ? json{{"owner", "o"}} : json{{"amount", 1}})
                    .status,
                201);
    }
    const Reply log = http.get("/api/v1/log?after=2&limit=100");
    ASSERT_EQ(log.status, 200) << log.body;
    EXPECT_EQ(log.body["head"], 8);
    ASSERT_EQ(log.body["events"].size(), 6u);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(log.body["events"][i]["position"], 3 + i);
    EXPECT_TRUE(wait_projected(rt.client_env(0), http));
    EXPECT_EQ(http.get("/api/v1/read-models/accounts/x1").body["balance"], 2);
  });
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

TEST(EventsSim, BadInputGetsAClear4xx) {
  run(json::object(), [](harness::Runtime&, Http& http) {
    struct Case {
      std::string method, path, body;
      int status;
      std::string says;
    };
    const Case cases[] = {
        {"POST", "/api/v1/commands", "{", 400, "malformed JSON"},
        {"POST", "/api/v1/commands", "[]", 400, "JSON object"},
        {"POST", "/api/v1/commands", R"({"command_type":"Deposit","data":{"amount":1}})", 400,
         "aggregate_id"},
        {"POST", "/api/v1/commands",
         R"({"aggregate_id":"a b","command_type":"Deposit","data":{"amount":1}})", 400,
         "aggregate_id"},
        {"POST", "/api/v1/commands", R"({"aggregate_id":"a","command_type":"Fly","data":{}})", 400,
         "unknown command_type"},
        {"POST", "/api/v1/commands",
         R"({"aggregate_id":"a","command_type":"Deposit","data":{"amount":-1}})", 400, "amount"},
        {"POST", "/api/v1/commands",
         R"({"aggregate_id":"a","command_type":"Deposit","data":{"amount":1},)"
         R"("expected_version":"maybe"})",
         400, "expected_version"},
        {"POST", "/api/v1/commands",
         R"({"aggregate_id":"a","command_type":"Deposit","data":{"amount":1},)"
         R"("expected_version":-2})",
         400, "expected_version"},
        {"POST", "/api/v1/commands",
         R"({"aggregate_id":"a","command_type":"Deposit","data":{"amount":1},"extra":1})", 400,
         "unknown field 'extra'"},
        {"POST", "/api/v1/time-travel/restore", R"({"aggregate_id":"a"})", 400, "exactly one"},
        {"POST", "/api/v1/time-travel/restore",
         R"({"aggregate_id":"a","position":1,"point_in_time":"2024-01-01T00:00:00Z"})", 400,
         "exactly one"},
        {"POST", "/api/v1/time-travel/restore", R"({"aggregate_id":"a","point_in_time":"noon"})",
         400, "RFC 3339"},
        {"GET", "/api/v1/events/a?from_version=0", "", 400, "from_version"},
        {"GET", "/api/v1/events/a?limit=100000", "", 400, "limit"},
        {"GET", "/api/v1/log?after=-1", "", 400, "after"},
        {"GET", "/api/v1/log?after=x", "", 400, "after"},
        {"GET", "/api/v1/aggregates/nobody", "", 404, "no aggregate"},
        {"GET", "/api/v1/read-models/orders/nobody", "", 404, "no order"},
        {"DELETE", "/api/v1/commands", "", 405, ""},
    };
    for (const auto& c : cases) {
      const Reply r = http.call(c.method, c.path, c.body);
      EXPECT_EQ(r.status, c.status)
          << c.method << " " << c.path << " " << c.body << " -> " << r.body;
      if (!c.says.empty()) {
        EXPECT_NE(r.body.value("error", "").find(c.says), std::string::npos)
            << c.path << " " << c.body << " -> " << r.body;
      }
    }
  });
}

TEST(EventsSim, ANodeKilledMidTrafficRestartsIntoAConsistentStore) {
  const auto problems = run(json::object(), [](harness::Runtime& rt, Http& http) {
    int done = 0;
    for (int c = 0; c < 3; ++c) {
      rt.spawn("writer", [&, c] {
        Http mine{rt.client_env(1 + c), c == 0 ? "events2" : "events1"};
        for (int i = 0; i < 20; ++i) {
          mine.command("k" + std::to_string(c), i == 0 ? "CreateAccount" : "Deposit",
                       i == 0 ? json{{"owner", "o"}} : json{{"amount", i}}, nullptr,
                       "w" + std::to_string(c) + "-" + std::to_string(i));
          rt.client_env(1 + c).clock.sleep_ns(20 * io::kNsPerMs);
        }
        ++done;
      });
    }
    io::Env& env = rt.client_env(0);
    env.clock.sleep_ns(150 * io::kNsPerMs);
    ASSERT_EQ(rt.faults().kill("events1", false), "");
    env.clock.sleep_ns(400 * io::kNsPerMs);
    ASSERT_EQ(rt.faults().restart("events1"), "");
    for (int i = 0; i < 300 && done < 3; ++i) env.clock.sleep_ns(100 * io::kNsPerMs);
    ASSERT_EQ(done, 3);
    EXPECT_TRUE(wait_projected(env, http));
    EXPECT_EQ(http.command("k2", "Deposit", {{"amount", 1}}).status, 201);
    EXPECT_TRUE(wait_projected(env, http));
  });
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

}  // namespace
}  // namespace fl::test
