// Proves the sync system end to end on the simulator: the regions (service "sync" on sync1 and
// sync2, served through the same ServiceHost and HTTP API as production) over simulated
// PostgreSQL, and devices d1.. as simulated nodes with local disks running the device library.
// How: each test drives the system through its APIs from a client Env (the seeds' endpoints on
// the regions, the agent's endpoints on the devices), injects faults through the fault port
// (partitions: a device offline; kills of devices and regions with restarts), waits in bounded
// virtual time, and checks what the APIs then answer: anti-entropy replicates and resumes after
// a crash, offline edits are durable across a device crash and reach everyone after a sync,
// downloads are deltas (only what changed after the cursor), and the same seed gives the same
// trace hash.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/sim_system.h"

namespace fl::test {
namespace {

using nlohmann::json;

constexpr std::int64_t kCallTimeoutNs = 5 * io::kNsPerSec;  // a device tries each region

struct Answer {
  int status = 0;
  json body;
  std::size_t bytes = 0;
};

Answer call(io::Env& env, const std::string& node, const std::string& method,
            const std::string& path, const json& body = json()) {
  auto r = env.transport.call(node, {method, path, body.is_null() ? "" : body.dump(), {}},
                              env.clock.deadline_after_ns(kCallTimeoutNs));
  if (!r.is_ok()) return {0, json(r.status().to_string()), 0};
  return {r.value().status, json::parse(r.value().body, nullptr, false), r.value().body.size()};
}

// Waits (bounded) until every node answers: the regions their /health (they have started and
// recovered), the devices their state.
void wait_ready(io::Env& env, int devices) {
  std::vector<std::pair<std::string, std::string>> probes = {{"sync1", "/health"},
                                                             {"sync2", "/health"}};
  for (int d = 1; d <= devices; ++d) probes.push_back({"d" + std::to_string(d), "/device/state"});
  for (const auto& [node, path] : probes) {
    for (int i = 0; i < 100 && call(env, node, "GET", path).status != 200; ++i) {
      env.clock.sleep_ns(100 * io::kNsPerMs);
    }
    ASSERT_EQ(call(env, node, "GET", path).status, 200) << node;
  }
}

SimSystemOptions sync_options(int devices, std::uint64_t seed = 1) {
  SimSystemOptions o;
  o.system = "sync";
  o.system_options = {{"servers", 2}, {"devices", devices}, {"sync_interval_ms", 0}};
  o.seed = seed;
  return o;
}

// Polls until every region's digest is the same (bounded); returns the digest hash or "".
std::string converged(io::Env& env) {
  for (int i = 0; i < 200; ++i) {
    const Answer a = call(env, "sync1", "GET", "/api/v1/sync/digest");
    const Answer b = call(env, "sync2", "GET", "/api/v1/sync/digest");
    if (a.status == 200 && b.status == 200 && a.body["hash"] == b.body["hash"]) {
      return a.body["hash"].get<std::string>();
    }
    env.clock.sleep_ns(100 * io::kNsPerMs);
  }
  return "";
}

json op_change(const std::string& id, const std::string& type, const json& op) {
  return {{"entity_id", id}, {"crdt_type", type}, {"operations", json::array({op})}};
}

Answer edit(io::Env& env, const std::string& device, const std::string& id, const std::string& type,
            const json& op) {
  return call(env, device, "POST", "/device/edit",
              {{"entity_id", id}, {"crdt_type", type}, {"operation", op}});
}

TEST(SyncSim, RegionsServeTheSeedsApiAndReplicateByAntiEntropy) {
  const auto report = run_sim_system(sync_options(1), [](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    wait_ready(env, 1);
    EXPECT_EQ(call(env, "sync1", "POST", "/api/v1/sync/register-device",
                   {{"device_id", "device-123"}, {"user_id", "user-456"}})
                  .status,
              201);
    const json up = {
        {"device_id", "device-123"},
        {"changes",
         json::array({op_change(
             "doc-1", "LWWRegister",
             {{"type", "set"}, {"value", "hello"}, {"timestamp", "2024-01-01T10:00:00Z"}})})}};
    const Answer u = call(env, "sync1", "POST", "/api/v1/sync/upload", up);
    ASSERT_EQ(u.status, 200) << u.body.dump();
    EXPECT_EQ(u.body["changes"][0]["value"], "hello");
    const Answer d = call(env, "sync1", "GET", "/api/v1/sync/download?device_id=device-123");
    ASSERT_EQ(d.status, 200) << d.body.dump();
    EXPECT_EQ(d.body["changes"][0]["value"], "hello");
    EXPECT_EQ(d.body["changes"][0]["version_vector"], (json{{"device-123@sync1", 1}}));
    EXPECT_FALSE(converged(env).empty());
    const Answer e = call(env, "sync2", "GET", "/api/v1/sync/entities/doc-1");
    ASSERT_EQ(e.status, 200) << e.body.dump();
    EXPECT_EQ(e.body["value"], "hello");
    // The device is registered in sync1 only: sync2 does not know it (regions share nothing).
    EXPECT_EQ(call(env, "sync2", "GET", "/api/v1/sync/download?device_id=device-123").status, 404);
    // A device id whose actor id (<device>@<region>) would not fit is refused, not fatal.
    const std::string long_id(128, 'd');
    const Answer reg = call(env, "sync1", "POST", "/api/v1/sync/register-device",
                            {{"device_id", long_id}, {"user_id", "user-456"}});
    EXPECT_EQ(reg.status, 400) << reg.body.dump();
    json long_up = up;
    long_up["device_id"] = long_id;
    const Answer lu = call(env, "sync1", "POST", "/api/v1/sync/upload", long_up);
    EXPECT_TRUE(lu.status == 400 || lu.status == 404) << lu.status << lu.body.dump();
    EXPECT_EQ(call(env, "sync1", "GET", "/health").status, 200);  // still serving
  });
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
}

TEST(SyncSim, OfflineEditsSurviveADeviceCrashAndReachTheOtherDevices) {
  const auto report = run_sim_system(sync_options(2), [](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    wait_ready(env, 2);
    // d1 cut off from the regions: offline.
    ASSERT_EQ(rt.faults().partition({{"d1"}, {"sync1", "sync2", "pg1"}}), "");
    const Answer e = edit(env, "d1", "list", "ORSet", {{"type", "add"}, {"value", "milk"}});
    ASSERT_EQ(e.status, 200) << e.body.dump();
    EXPECT_EQ(e.body["value"], json::array({"milk"}));
    EXPECT_EQ(call(env, "d1", "POST", "/device/sync", json::object()).status, 503);
    // A crash of the device: its edit is on its disk.
    ASSERT_EQ(rt.faults().kill("d1", false), "");
    ASSERT_EQ(rt.faults().restart("d1"), "");
    env.clock.sleep_ns(10 * io::kNsPerMs);
    const Answer r = call(env, "d1", "GET", "/device/read?entity_id=list");
    ASSERT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.body["value"], json::array({"milk"}));
    ASSERT_EQ(rt.faults().heal_network(), "");
    const Answer s1 = call(env, "d1", "POST", "/device/sync", json::object());
    ASSERT_EQ(s1.status, 200) << s1.body.dump();
    EXPECT_EQ(s1.body["dirty"], 0);
    ASSERT_FALSE(converged(env).empty());
    // d2 removes concurrently with a new add on d1: the add wins.
    ASSERT_EQ(call(env, "d2", "POST", "/device/sync", json::object()).status, 200);
    ASSERT_EQ(edit(env, "d2", "list", "ORSet", {{"type", "remove"}, {"value", "milk"}}).status,
              200);
    ASSERT_EQ(edit(env, "d1", "list", "ORSet", {{"type", "add"}, {"value", "milk"}}).status, 200);
    for (int round = 0; round < 3; ++round) {
      for (const char* d : {"d1", "d2"}) call(env, d, "POST", "/device/sync", json::object());
      converged(env);
    }
    for (const char* d : {"d1", "d2"}) {
      EXPECT_EQ(call(env, d, "GET", "/device/read?entity_id=list").body["value"],
                json::array({"milk"}))
          << d;
    }
    EXPECT_EQ(call(env, "d1", "GET", "/device/state").body["hash"],
              call(env, "d2", "GET", "/device/state").body["hash"]);
  });
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
}

TEST(SyncSim, AntiEntropyResumesAfterARegionCrash) {
  const auto report = run_sim_system(sync_options(1), [](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    wait_ready(env, 1);
    ASSERT_EQ(call(env, "sync1", "POST", "/api/v1/sync/register-device",
                   {{"device_id", "x"}, {"user_id", "u"}})
                  .status,
              201);
    ASSERT_EQ(rt.faults().kill("sync2", false), "");
    for (int batch = 0; batch < 5; ++batch) {
      json changes = json::array();
      for (int i = 0; i < 50; ++i) {
        changes.push_back(op_change("c" + std::to_string(i), "GCounter",
                                    {{"type", "increment"}, {"value", batch + 1}}));
      }
      ASSERT_EQ(call(env, "sync1", "POST", "/api/v1/sync/upload",
                     {{"device_id", "x"}, {"changes", changes}})
                    .status,
                200);
      if (batch == 2) {
        ASSERT_EQ(rt.faults().restart("sync2"), "");
      }
      if (batch == 3) {
        ASSERT_EQ(rt.faults().kill("sync2", false), "");
      }
    }
    ASSERT_EQ(rt.faults().restart("sync2"), "");
    ASSERT_FALSE(converged(env).empty());
    const Answer c = call(env, "sync2", "GET", "/api/v1/sync/entities/c7");
    EXPECT_EQ(c.body["value"], 1 + 2 + 3 + 4 + 5) << c.body.dump();
  });
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
}

TEST(SyncSim, DownloadsAreDeltasOfWhatChangedAfterTheCursor) {
  const auto report = run_sim_system(sync_options(1), [](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    wait_ready(env, 1);
    for (const char* device : {"writer", "reader"}) {
      ASSERT_EQ(call(env, "sync1", "POST", "/api/v1/sync/register-device",
                     {{"device_id", device}, {"user_id", "u"}})
                    .status,
                201);
    }
    auto upload = [&](int from, int to, const std::string& value) {
      json changes = json::array();
      for (int i = from; i < to; ++i) {
        changes.push_back(op_change("doc" + std::to_string(i), "LWWRegister",
                                    {{"type", "set"}, {"value", value}}));
      }
      ASSERT_EQ(call(env, "sync1", "POST", "/api/v1/sync/upload",
                     {{"device_id", "writer"}, {"changes", changes}})
                    .status,
                200);
    };
    for (int i = 0; i < 300; i += 100) upload(i, i + 100, "first");
    std::int64_t cursor = 0;
    std::size_t seen = 0, full_bytes = 0;
    for (int page = 0; page < 10; ++page) {
      const Answer d =
          call(env, "sync1", "GET",
               "/api/v1/sync/download?device_id=reader&limit=120&since=" + std::to_string(cursor));
      ASSERT_EQ(d.status, 200);
      seen += d.body["changes"].size();
      full_bytes += d.bytes;
      cursor = d.body["cursor"].get<std::int64_t>();
      if (!d.body["has_more"].get<bool>()) break;
    }
    EXPECT_EQ(seen, 300u);
    upload(10, 13, "second");  // 1% changed
    const Answer delta =
        call(env, "sync1", "GET",
             "/api/v1/sync/download?device_id=reader&since=" + std::to_string(cursor));
    ASSERT_EQ(delta.status, 200);
    ASSERT_EQ(delta.body["changes"].size(), 3u) << delta.body.dump();
    EXPECT_EQ(delta.body["changes"][0]["value"], "second");
    EXPECT_LT(delta.bytes * 50, full_bytes) << delta.bytes << " vs " << full_bytes;
  });
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
}

TEST(SyncSim, SameSeedSameTraceHash) {
  auto once = [](std::uint64_t seed) {
    return run_sim_system(sync_options(2, seed),
                          [](harness::Runtime& rt) {
                            io::Env& env = rt.client_env(0);
                            wait_ready(env, 2);
                            for (int i = 0; i < 5; ++i) {
                              edit(env, i % 2 ? "d1" : "d2", "n", "PNCounter",
                                   {{"type", "increment"}, {"value", 1}});
                              call(env, i % 2 ? "d2" : "d1", "POST", "/device/sync",
                                   json::object());
                            }
                          })
        .trace_hash;
  };
  const std::string a = once(7);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, once(7));
  EXPECT_NE(a, once(8));
}

}  // namespace
}  // namespace fl::test
