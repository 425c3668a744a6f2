// Proves the shard router and a move on the simulated runtime (system "shard", driven by the test
// through a client's Env, whose SqlStore is the router): point statements land on the key's
// shard, fan-out scans merge in key order with the limit, fan-out aggregates are exact, a
// transaction spanning shards is refused; a move through the admin API copies, cuts over and
// cleans up, after which every row is still readable exactly once and the map names the target;
// and a move survives a kill of the move controller in the middle.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "system/shard/hash.h"
#include "system/shard/router.h"
#include "tests/support/sim_system.h"

namespace fl::shard {
namespace {

using nlohmann::json;

constexpr int kVnodes = 16;
constexpr std::int64_t kRows = 40;

test::SimSystemOptions options() {
  test::SimSystemOptions o;
  o.system = "shard";
  o.system_options = {{"shards", 2}, {"vnodes", kVnodes}};
  return o;
}

io::TableSchema users() {
  return {"users", {{"user_id", io::ColumnType::kInt64}, {"age", io::ColumnType::kInt64}}, {0}};
}

json call(io::Env& env, const std::string& method, const std::string& path, const json& body,
          int* status) {
  auto r = env.transport.call("shard-admin", {method, path, body.is_null() ? "" : body.dump(), {}},
                              env.clock.deadline_after_ns(2 * io::kNsPerSec));
  if (!r.is_ok()) {
    *status = 0;
    return json();
  }
  *status = r.value().status;
  return json::parse(r.value().body, nullptr, false);
}

// Inserts users 0..kRows-1 (age = id), one transaction each.
void insert_users(io::SqlStore& sql) {
  ASSERT_TRUE(sql.create_table(users()).is_ok());
  for (std::int64_t id = 0; id < kRows; ++id) {
    auto tx = sql.begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(tx.is_ok()) << tx.status().to_string();
    ASSERT_TRUE(tx.value()->insert("users", {io::Value(id), io::Value(id)}).is_ok());
    ASSERT_TRUE(tx.value()->commit().is_ok());
  }
}

void expect_all_rows(io::SqlStore& sql) {
  auto tx = sql.begin(io::Isolation::kRepeatableRead);
  ASSERT_TRUE(tx.is_ok());
  io::ScanSpec spec;
  spec.limit = 7;
  spec.from = io::Key{io::Value(std::int64_t{10})};
  auto rows = tx.value()->scan("users", spec);
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows.value().size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(rows.value()[i][0], io::Value(static_cast<std::int64_t>(10 + i)));
  }
  auto* routed = dynamic_cast<RoutedTransaction*>(tx.value().get());
  ASSERT_NE(routed, nullptr);
  EXPECT_EQ(routed->aggregate("users", {}, AggregateKind::kCount, 0).value(),
            io::Value(std::int64_t{kRows}));
  EXPECT_EQ(routed->aggregate("users", {}, AggregateKind::kSum, 1).value(),
            io::Value(std::int64_t{kRows * (kRows - 1) / 2}));
  EXPECT_EQ(routed->aggregate("users", {}, AggregateKind::kMax, 1).value(),
            io::Value(std::int64_t{kRows - 1}));
  EXPECT_EQ(routed
                ->aggregate("users", {{1, io::CompareOp::kGe, io::Value(std::int64_t{5})}},
                            AggregateKind::kMin, 1)
                .value(),
            io::Value(std::int64_t{5}));
}

// Two keys whose vnodes the initial map puts on different shards.
std::pair<std::int64_t, std::int64_t> keys_on_two_shards() {
  const int first = vnode_of({io::Value(std::int64_t{0})}, kVnodes) % 2;
  for (std::int64_t k = 1; k < kRows; ++k) {
    if (vnode_of({io::Value(k)}, kVnodes) % 2 != first) return {0, k};
  }
  return {0, 0};
}

TEST(ShardRouterSim, RoutesFansOutAndRefusesCrossShardTransactions) {
  const auto report = test::run_sim_system(options(), [](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    insert_users(*env.sql);
    expect_all_rows(*env.sql);
    const auto [a, b] = keys_on_two_shards();
    ASSERT_NE(a, b);
    auto tx = env.sql->begin(io::Isolation::kReadCommitted);
    ASSERT_TRUE(tx.is_ok());
    ASSERT_TRUE(tx.value()->get("users", {io::Value(a)}).is_ok());
    auto other = tx.value()->get("users", {io::Value(b)});
    ASSERT_FALSE(other.is_ok());
    EXPECT_EQ(other.status().kind(), io::ErrorKind::kInvalidArgument);
    EXPECT_NE(other.status().message().find("transaction spans shards"), std::string::npos);
  });
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
}

TEST(ShardRouterSim, AMoveCopiesCutsOverAndCleansUpEvenWhenTheControllerIsKilled) {
  const auto report = test::run_sim_system(options(), [](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    insert_users(*env.sql);
    int status = 0;
    const json moved = call(env, "POST", "/api/v1/shards/moves", {{"key", 3}}, &status);
    ASSERT_EQ(status, 201) << moved.dump();
    EXPECT_EQ(call(env, "POST", "/api/v1/shards/moves", {{"key", 3}}, &status)["error"].is_string(),
              true);
    EXPECT_EQ(status, 409);
    ASSERT_EQ(rt.faults().kill("shard-admin", false), "");
    env.clock.sleep_ns(500 * io::kNsPerMs);
    ASSERT_EQ(rt.faults().restart("shard-admin"), "");
    json move;
    for (int i = 0; i < 100; ++i) {
      env.clock.sleep_ns(50 * io::kNsPerMs);
      move = call(env, "GET", "/api/v1/shards/moves/" + std::to_string(moved["id"].get<int>()),
                  nullptr, &status);
      if (status == 200 && move["state"] == "completed") break;
    }
    ASSERT_EQ(move["state"], "completed") << move.dump();
    EXPECT_TRUE(move["write_unavailable_ms"].is_number() || move["write_unavailable_ms"].is_null());
    const json map = call(env, "GET", "/api/v1/shards", nullptr, &status);
    ASSERT_EQ(status, 200);
    EXPECT_EQ(map["vnodes"][moved["vnode"].get<int>()][0], moved["to"]);
    EXPECT_EQ(map["epoch"], 2);
    {
      // This client's router still has the old map: the shard refuses it, and it reloads.
      auto tx = env.sql->begin(io::Isolation::kReadCommitted);
      ASSERT_TRUE(tx.is_ok());
      auto rows = tx.value()->scan("users", io::ScanSpec{});
      EXPECT_FALSE(rows.is_ok());
      EXPECT_TRUE(is_stale_map(rows.status())) << rows.status().to_string();
    }
    expect_all_rows(*env.sql);  // with the new map: still every row, once
  });
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
}

}  // namespace
}  // namespace fl::shard
