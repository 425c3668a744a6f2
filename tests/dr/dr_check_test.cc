// The DR check (compose/dr/check.cc) on hand-made histories: it passes a clean failover, and
// fails each violation it exists for — an acknowledged write missing from the final read
// (synchronous mode), a write acknowledged on an old timeline after a newer one acknowledged
// (two primaries), one timeline acknowledged by two nodes, asynchronous loss beyond the bound, an
// RTO over target — and is unknown without a final read. Also the failover configuration's
// validation (Patroni's timing rule).
#include <gtest/gtest.h>

#include "compose/dr/dr.h"
#include "system/dr/failover_manager.h"

namespace fl::compose {
namespace {

using history::Op;
using history::OpType;

class History {
 public:
  // An add by `process` invoked at `inv_ms`, acknowledged at `ack_ms` by `node` on `timeline`.
  History& add(int process, const std::string& element, int inv_ms, int ack_ms,
               const std::string& node, int timeline) {
    push(process, OpType::kInvoke, "add", {{"element", element}}, inv_ms);
    push(process, OpType::kOk, "add",
         {{"element", element}, {"node", node}, {"timeline", timeline}}, ack_ms);
    return *this;
  }
  History& read(const std::vector<std::string>& elements, int at_ms) {
    push(99, OpType::kInvoke, "read", nlohmann::json::object(), at_ms);
    push(99, OpType::kOk, "read", {{"elements", elements}}, at_ms + 1);
    return *this;
  }
  history::History h;

 private:
  void push(int process, OpType type, const std::string& f, nlohmann::json v, int ms) {
    Op op;
    op.index = static_cast<std::int64_t>(h.ops.size());
    op.time_ns = ms * io::kNsPerMs;
    op.process = process;
    op.type = type;
    op.f = f;
    op.value = std::move(v);
    h.ops.push_back(std::move(op));
  }
};

DrCheckConfig sync_config() {
  DrCheckConfig c;
  c.synchronous = true;
  c.rto_target_ns = 30 * io::kNsPerSec;
  c.lease_window_ns = 6 * io::kNsPerSec;
  return c;
}

std::string problems(const checkers::CheckOutcome& o) { return o.result["problems"].dump(); }

TEST(DrCheck, CleanFailoverPassesAndMeasuresRto) {
  History x;
  x.add(1, "a", 0, 5, "db1", 1).add(2, "b", 10, 15, "db1", 1).add(1, "c", 8000, 8005, "db2", 2);
  x.read({"a", "b", "c"}, 9000);
  const auto o = judge_dr(x.h, sync_config());
  EXPECT_EQ(o.valid, checkers::Validity::kTrue) << problems(o);
  EXPECT_EQ(o.result["rto_ms"], nlohmann::json::array({7990}));
  EXPECT_EQ(o.result["timelines"], 2);
}

TEST(DrCheck, LostAcknowledgedWriteFailsInSynchronousMode) {
  History x;
  x.add(1, "a", 0, 5, "db1", 1).add(2, "b", 10, 15, "db1", 1).read({"a"}, 100);
  const auto o = judge_dr(x.h, sync_config());
  EXPECT_EQ(o.valid, checkers::Validity::kFalse);
  EXPECT_NE(problems(o).find("lost acknowledged write"), std::string::npos) << problems(o);
  EXPECT_EQ(o.result["lost"], 1);
}

TEST(DrCheck, OldTimelineAcknowledgingAfterANewerOneIsTwoPrimaries) {
  History x;
  x.add(1, "a", 0, 5, "db1", 1).add(2, "b", 100, 110, "db2", 2).add(3, "c", 200, 210, "db1", 1);
  x.read({"a", "b", "c"}, 300);
  const auto o = judge_dr(x.h, sync_config());
  EXPECT_EQ(o.valid, checkers::Validity::kFalse);
  EXPECT_NE(problems(o).find("two primaries: c"), std::string::npos) << problems(o);
}

TEST(DrCheck, ConcurrentAcknowledgementsAcrossAFailoverAreNotTwoPrimaries) {
  // c was invoked before b was acknowledged: its ack may have happened first.
  History x;
  x.add(2, "b", 100, 110, "db2", 2).add(3, "c", 105, 210, "db1", 1).read({"b", "c"}, 300);
  EXPECT_EQ(judge_dr(x.h, sync_config()).valid, checkers::Validity::kTrue);
}

TEST(DrCheck, OneTimelineTwoNodesFails) {
  History x;
  x.add(1, "a", 0, 5, "db1", 1).add(2, "b", 10, 15, "db2", 1).read({"a", "b"}, 100);
  const auto o = judge_dr(x.h, sync_config());
  EXPECT_NE(problems(o).find("timeline 1 acknowledged by db1 and db2"), std::string::npos);
}

TEST(DrCheck, AsynchronousLossIsBoundedByLagAndTheLastLeaseWindow) {
  DrCheckConfig c = sync_config();
  c.synchronous = false;
  c.maximum_lag_on_failover = 1;
  c.lease_window_ns = 1 * io::kNsPerSec;
  History within, beyond;
  // Lost: the last two, both in the final second of timeline 1 -> allowed.
  within.add(1, "a", 0, 5, "db1", 1).add(1, "b", 2000, 2005, "db1", 1);
  within.add(1, "c", 2500, 2505, "db1", 1).read({"a"}, 9000);
  EXPECT_EQ(judge_dr(within.h, c).valid, checkers::Validity::kTrue);
  // Lost: three spread over seconds: beyond lag 1 + one ack in the last second.
  beyond.add(1, "a", 0, 5, "db1", 1).add(1, "b", 1000, 1005, "db1", 1);
  beyond.add(1, "c", 5000, 5005, "db1", 1).read({}, 9000);
  const auto o = judge_dr(beyond.h, c);
  EXPECT_EQ(o.valid, checkers::Validity::kFalse);
  EXPECT_NE(problems(o).find("beyond maximum_lag_on_failover"), std::string::npos);
}

TEST(DrCheck, RtoOverTargetFails) {
  DrCheckConfig c = sync_config();
  c.rto_target_ns = 5 * io::kNsPerSec;
  History x;
  x.add(1, "a", 0, 5, "db1", 1).add(1, "b", 9000, 9005, "db2", 2).read({"a", "b"}, 9100);
  const auto o = judge_dr(x.h, c);
  EXPECT_NE(problems(o).find("RTO 9000 ms"), std::string::npos) << problems(o);
}

TEST(DrCheck, NoFinalReadIsUnknown) {
  History x;
  x.add(1, "a", 0, 5, "db1", 1);
  EXPECT_EQ(judge_dr(x.h, sync_config()).valid, checkers::Validity::kUnknown);
}

TEST(FailoverConfig, PatronisRuleAndBounds) {
  dr::FailoverConfig c;
  EXPECT_EQ(dr::validate(c), "");
  c.ttl_s = 30, c.loop_wait_ms = 10000, c.retry_timeout_ms = 10000;  // Patroni's defaults
  EXPECT_EQ(dr::validate(c), "");
  c.retry_timeout_ms = 10001;
  EXPECT_NE(dr::validate(c).find("Patroni's rule"), std::string::npos);
  c = dr::FailoverConfig{};
  c.ttl_s = 1;
  EXPECT_NE(dr::validate(c), "");
  c = dr::FailoverConfig{};
  c.cluster = "Bad/Name";
  EXPECT_NE(dr::validate(c), "");
  c = dr::FailoverConfig{};
  c.maximum_lag_on_failover = -1;
  EXPECT_NE(dr::validate(c), "");
}

}  // namespace
}  // namespace fl::compose
