// Proves each built-in workload end to end on the simulator without the harness: its clients run
// through the seam against simulated PostgreSQL / Redis, its final ops complete, and its own
// checkers judge the recorded history valid; the same seed records the same history. And that
// the workload + checker pair can fail: registers on a Redis without persistence whose server is
// crashed lose acknowledged writes, and the linearizability checker says so.
#include <gtest/gtest.h>

#include "checkers/registry.h"
#include "sim/pg/sim_sql_store.h"
#include "sim/redis/sim_redis.h"
#include "workloads/runner.h"

namespace fl::workloads {
namespace {

struct Outcome {
  history::History history;
  std::vector<checkers::Validity> verdicts;
  std::string trace_hash;
  nlohmann::json results = nlohmann::json::array();
};

// Runs `name` with `options` for 5 virtual seconds; crashes Redis at 2 s if `crash_redis`.
Outcome run_workload(const std::string& name, nlohmann::json options, std::uint64_t seed,
                     bool crash_redis = false, bool redis_durable = true) {
  std::string error;
  auto w = make_workload(name, options, &error);
  EXPECT_NE(w, nullptr) << error;
  Outcome out;
  if (w == nullptr) return out;
  sim::SimOptions so;
  so.seed = seed;
  sim::Simulator sim(so);
  sim::pg::PgCluster pg(&sim, sim::pg::PgOptions{});
  pg.add_server("pg1");
  sim::redis::RedisOptions ro;
  ro.persistence = redis_durable ? sim::redis::Persistence::kAlways : sim::redis::Persistence::kOff;
  sim::redis::RedisServer redis(&sim, "redis", ro);
  std::unique_ptr<HistoryRecorder> rec;
  auto report = sim.run([&](io::Env& env) {
    env.clock.sleep_ns(io::kNsPerMs);
    sim::pg::SimSqlStore sql(&pg, 0, sim.random().fork(1));
    sim::redis::SimKvCache cache(&redis, 0, sim.random().fork(2));
    env.sql = &sql;
    env.cache = &cache;
    rec = std::make_unique<HistoryRecorder>(env.clock);
    EXPECT_TRUE(w->setup(env).is_ok());
    Generator gen(w->generator(), sim.random().fork("gen"));
    ProcessTable table(0, w->generator().concurrency);
    std::vector<std::unique_ptr<ClientSlot>> slots;
    int running = 0;
    for (int s = 0; s < w->generator().concurrency; ++s) {
      slots.push_back(std::make_unique<ClientSlot>(*w, gen, *rec, table, env, s));
      ++running;
      sim.spawn(0, "c", [&, s] {
        slots[static_cast<std::size_t>(s)]->run_until(5 * io::kNsPerSec);
        --running;
      });
    }
    if (crash_redis) {
      env.clock.sleep_ns(2 * io::kNsPerSec);
      sim.crash(redis.node());
      env.clock.sleep_ns(200 * io::kNsPerMs);
      sim.restart(redis.node());
    }
    for (int i = 0; i < 1000 && running > 0; ++i) env.clock.sleep_ns(10 * io::kNsPerMs);
    for (const auto& op : w->final_ops()) {
      EXPECT_EQ(slots[0]->perform(op), history::OpType::kOk) << op.f;
    }
  });
  EXPECT_TRUE(report.fiber_failures.empty());
  out.history = rec->history();
  out.trace_hash = report.trace_hash;
  for (const auto& c : w->checkers()) {
    auto r = checkers::run_checker(c.name, c.options, out.history);
    out.verdicts.push_back(r.valid);
    out.results.push_back(r.result);
  }
  return out;
}

struct Case {
  std::string name;
  nlohmann::json options;
};

class EveryWorkload : public ::testing::TestWithParam<Case> {};

TEST_P(EveryWorkload, ValidWithoutFaultsAndDeterministic) {
  const Case& c = GetParam();
  Outcome a = run_workload(c.name, c.options, 11);
  ASSERT_FALSE(a.history.ops.empty());
  for (std::size_t i = 0; i < a.verdicts.size(); ++i) {
    EXPECT_EQ(a.verdicts[i], checkers::Validity::kTrue) << a.results[i].dump(1).substr(0, 2000);
  }
  Outcome b = run_workload(c.name, c.options, 11);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  ASSERT_EQ(a.history.ops.size(), b.history.ops.size());
  for (std::size_t i = 0; i < a.history.ops.size(); ++i) {
    ASSERT_EQ(history::to_json_line(a.history.ops[i]), history::to_json_line(b.history.ops[i]));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Builtin, EveryWorkload,
    ::testing::Values(Case{"register", {{"store", "sql"}}}, Case{"register", {{"store", "cache"}}},
                      Case{"cas-register", nlohmann::json::object()},
                      Case{"kv", {{"store", "sql"}}},
                      Case{"kv", {{"store", "cache"}, {"mix", {{"read", 1}, {"write", 1}}}}},
                      Case{"bank", nlohmann::json::object()},
                      Case{"bank", {{"isolation", "repeatable-read"}}},
                      Case{"list-append", nlohmann::json::object()},
                      Case{"list-append", {{"isolation", "repeatable-read"}}},
                      Case{"rw-register", nlohmann::json::object()},
                      Case{"set", {{"store", "sql"}}}, Case{"set", {{"store", "cache"}}}),
    [](const auto& info) {
      std::string n = info.param.name + "_" + std::to_string(info.index);
      for (char& ch : n) {
        if (ch == '-') ch = '_';
      }
      return n;
    });

TEST(Workloads, LostWritesOnAVolatileRedisAreCaught) {
  // Persistence off + a crash: the restarted server has forgotten every acknowledged write, so
  // some seed's reads after the crash return null after an acknowledged write.
  bool caught = false;
  for (std::uint64_t seed = 1; seed <= 5 && !caught; ++seed) {
    Outcome o = run_workload("register", {{"store", "cache"}, {"keys", 1}, {"rate", 200}}, seed,
                             true, false);
    caught = !o.verdicts.empty() && o.verdicts[0] == checkers::Validity::kFalse;
  }
  EXPECT_TRUE(caught);
}

}  // namespace
}  // namespace fl::workloads
