// Proves the recorder's promises: events get consecutive indexes and non-decreasing times from
// the given clock; a process number retired after an info is never handed out again, across any
// sequence of completions (property); completions without an open invocation are programmer
// errors (death test); ClientSlot records invoke/complete pairs and retires on info.
#include "workloads/recorder.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

#include "workloads/runner.h"

namespace fl::workloads {
namespace {

class FakeClock final : public io::Clock {
 public:
  std::int64_t monotonic_ns() override { return now; }
  std::int64_t wall_ns() override { return now; }
  void sleep_ns(std::int64_t d) override { now += d; }
  std::int64_t now = 1000;
};

TEST(Recorder, IndexesAndTimes) {
  FakeClock clock;
  HistoryRecorder rec(clock);
  rec.invoke(0, "read", {1, nullptr});
  clock.now += 5;
  rec.nemesis("start-kill", "pg1");
  rec.complete(0, history::OpType::kOk, "read", {1, 3}, "");
  const auto& ops = rec.history().ops;
  ASSERT_EQ(ops.size(), 3u);
  for (std::size_t i = 0; i < ops.size(); ++i) EXPECT_EQ(ops[i].index, static_cast<long>(i));
  EXPECT_EQ(ops[0].time_ns, 0);
  EXPECT_EQ(ops[1].time_ns, 5);
  EXPECT_EQ(ops[1].process, history::kNemesisProcess);
  EXPECT_EQ(ops[1].type, history::OpType::kInfo);
  EXPECT_FALSE(rec.open(0));
}

RC_GTEST_PROP(ProcessTable, RetiredNumbersNeverReused, ()) {
  const int concurrency = *rc::gen::inRange(1, 20);
  const std::int64_t base = *rc::gen::element<std::int64_t>(0, ProcessTable::kStride);
  ProcessTable table(base, concurrency);
  std::set<std::int64_t> used;
  for (int s = 0; s < concurrency; ++s) used.insert(table.process(s));
  RC_ASSERT(used.size() == static_cast<std::size_t>(concurrency));
  const auto retirements = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, concurrency));
  for (int slot : retirements) {
    const std::int64_t fresh = table.retire(slot);
    RC_ASSERT(used.insert(fresh).second);
    RC_ASSERT(table.owns(fresh));
    RC_ASSERT(table.process(slot) == fresh);
  }
}

TEST(RecorderDeathTest, CompletionWithoutInvocation) {
  FakeClock clock;
  HistoryRecorder rec(clock);
  EXPECT_DEATH(rec.complete(3, history::OpType::kOk, "read", nullptr, ""), "without invocation");
}

// A workload whose client answers from a script: ok, info, fail, ok...
class ScriptedWorkload final : public Workload {
 public:
  class ScriptedClient final : public Client {
   public:
    explicit ScriptedClient(int* next) : next_(next) {}
    Completion invoke(const Invocation& op) override {
      static const history::OpType kScript[] = {history::OpType::kOk, history::OpType::kInfo,
                                                history::OpType::kFail};
      return {kScript[(*next_)++ % 3], op.value, ""};
    }
    int* next_;
  };
  io::Status setup(io::Env&) override { return io::Status::ok(); }
  std::unique_ptr<Client> make_client(io::Env&) override {
    ++clients_made;
    return std::make_unique<ScriptedClient>(&next);
  }
  Invocation make_op(const std::string& f, std::int64_t key, io::Random&) override {
    return {f, {key, nullptr}};
  }
  std::vector<CheckerSpec> checkers() const override { return {}; }
  int next = 0;
  int clients_made = 0;
};

TEST(ClientSlot, RecordsPairsAndRetiresAfterInfo) {
  FakeClock clock;
  HistoryRecorder rec(clock);
  ScriptedWorkload w;
  GeneratorOptions o;
  o.concurrency = 2;
  o.rate_per_s = 20;  // 100 ms per op per client
  o.mix = {{"read", 1}};
  Generator g(o, io::Random(1));
  ProcessTable table(0, 2);
  io::Random rnd(2);
  struct NoTasks final : io::Tasks {
    const std::string& node_name() const override { return name; }
    std::uint64_t incarnation() const override { return 1; }
    void spawn(std::string, std::function<void()>) override {}
    void yield() override {}
    std::string name = "client";
  } tasks;
  struct NoTransport final : io::Transport {
    void serve(io::Handler) override {}
    io::Result<io::Response> call(const std::string&, const io::Request&, io::Deadline) override {
      return io::Status::failed(io::ErrorKind::kUnreachable, "none");
    }
  } transport;
  io::Env env{clock, rnd, tasks, transport};
  ClientSlot slot(w, g, rec, table, env, 1);
  slot.run_until(3 * io::kNsPerSec);
  const auto& ops = rec.history().ops;
  ASSERT_GE(ops.size(), 20u);
  std::set<std::int64_t> processes;
  for (std::size_t i = 0; i + 1 < ops.size(); i += 2) {
    EXPECT_EQ(ops[i].type, history::OpType::kInvoke);
    EXPECT_NE(ops[i + 1].type, history::OpType::kInvoke);
    EXPECT_EQ(ops[i].process, ops[i + 1].process);
    processes.insert(ops[i].process);
  }
  EXPECT_EQ(slot.stats().info, static_cast<std::int64_t>(processes.size()) - 1);
  EXPECT_EQ(w.clients_made, 1 + slot.stats().info);
  for (auto p : processes) EXPECT_EQ(p % 2, 1);  // slot 1 of 2: 1, 3, 5, ...
}

}  // namespace
}  // namespace fl::workloads
