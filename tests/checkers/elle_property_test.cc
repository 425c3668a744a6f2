// Properties of the Elle list-append checker (RapidCheck): histories recorded from a true
// serializable execution with random concurrency (checkers/elle/generate.h) never show an
// anomaly, whatever the keys, lengths and overlap; and making one committed read see a value
// appended by a transaction that began only after the reader finished (a read from the future)
// is always caught; the same two properties for rw-register, the first also with Elle's
// sequential-keys and linearizable-keys assumptions (a serial execution in real-time order keeps
// every key linearizable, so they must add no anomaly). Also checks the generated
// 100,000-transaction list-append history is valid.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "checkers/elle/generate.h"
#include "checkers/elle/list_append.h"
#include "checkers/elle/rw_register.h"

namespace fl::checkers::elle {
namespace {

// No anomaly, or (a history too small to relate any two transactions) only Elle's
// empty-transaction-graph, which makes the verdict unknown rather than valid.
bool no_anomaly(const ElleResult& r) {
  return r.valid == Validity::kTrue || (r.counts.size() == 1 && r.has("empty-transaction-graph") &&
                                        r.valid == Validity::kUnknown);
}

GenerateOptions random_options() {
  GenerateOptions o;
  o.transactions = *rc::gen::inRange<std::size_t>(1, 150);
  o.concurrency = *rc::gen::inRange<std::size_t>(1, 6);
  o.mops_per_txn = *rc::gen::inRange<std::size_t>(1, 5);
  o.active_keys = *rc::gen::inRange<std::size_t>(1, 5);
  o.max_appends_per_key = *rc::gen::inRange<std::size_t>(1, 8);
  o.seed = *rc::gen::arbitrary<std::uint64_t>();
  return o;
}

RC_GTEST_PROP(ElleProperties, SerializableExecutionsHaveNoAnomalies, ()) {
  const history::History h = generate_list_append(random_options());
  const ElleResult r = check_list_append(h);
  RC_ASSERT(no_anomaly(r));
}

RC_GTEST_PROP(ElleProperties, AReadFromTheFutureIsCaught, ()) {
  history::History h = generate_list_append(random_options());
  // Version order per key = appends in invocation order (transactions run at invocation).
  std::map<std::string, std::vector<std::pair<nlohmann::json, std::size_t>>> order;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    if (op.type == history::OpType::kInvoke) {
      for (const auto& m : op.value) {
        if (m[0] == "append") order[m[1].dump()].push_back({m[2], i});
      }
    }
  }
  // A committed read of key k, and an append to k invoked after the reader completed.
  struct Choice {
    std::size_t op, mop, upto;
  };
  std::vector<Choice> choices;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    if (op.type != history::OpType::kOk) continue;
    for (std::size_t m = 0; m < op.value.size(); ++m) {
      if (op.value[m][0] != "r") continue;
      const auto& versions = order[op.value[m][1].dump()];
      for (std::size_t v = 0; v < versions.size(); ++v) {
        if (versions[v].second > i) choices.push_back({i, m, v});
      }
    }
  }
  RC_PRE(!choices.empty());
  const Choice c = choices[*rc::gen::inRange<std::size_t>(0, choices.size())];
  auto& read = h.ops[c.op].value[c.mop];
  nlohmann::json seen = nlohmann::json::array();
  for (std::size_t v = 0; v <= c.upto; ++v) seen.push_back(order[read[1].dump()][v].first);
  read[2] = seen;
  const ElleResult r = check_list_append(h);
  RC_ASSERT(r.valid == Validity::kFalse);
}

RC_GTEST_PROP(ElleProperties, SerializableRegisterExecutionsHaveNoAnomalies, ()) {
  const history::History h = generate_rw_register(random_options());
  const ElleResult r = check_rw_register(h);
  RC_ASSERT(no_anomaly(r));
}

RC_GTEST_PROP(ElleProperties, SerializableRegisterExecutionsHaveNoAnomaliesUnderAssumptions, ()) {
  const history::History h = generate_rw_register(random_options());
  const RwRegisterResult r = check_rw_register(h, RwAssumptions{true, true});
  RC_ASSERT(no_anomaly(r));
  RC_ASSERT(r.frontier_dropped + r.assumed_edges_dropped == 0u);
}

RC_GTEST_PROP(ElleProperties, ARegisterReadFromTheFutureIsCaught, ()) {
  history::History h = generate_rw_register(random_options());
  // A committed read, and a write to its key invoked after the reader completed.
  struct Choice {
    std::size_t op, mop;
    nlohmann::json value;
  };
  std::vector<Choice> choices;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    if (h.ops[i].type != history::OpType::kOk) continue;
    for (std::size_t m = 0; m < h.ops[i].value.size(); ++m) {
      const auto& read = h.ops[i].value[m];
      if (read[0] != "r") continue;
      for (std::size_t j = i + 1; j < h.ops.size(); ++j) {
        if (h.ops[j].type != history::OpType::kInvoke) continue;
        for (const auto& w : h.ops[j].value) {
          if (w[0] == "w" && w[1] == read[1]) choices.push_back({i, m, w[2]});
        }
      }
    }
  }
  RC_PRE(!choices.empty());
  const Choice& c = choices[*rc::gen::inRange<std::size_t>(0, choices.size())];
  h.ops[c.op].value[c.mop][2] = c.value;
  RC_ASSERT(check_rw_register(h).valid == Validity::kFalse);
}

TEST(ElleProperties, TheBenchHistoryIsValid) {
  GenerateOptions o;
  o.transactions = 100'000;
  const ElleResult r = check_list_append(generate_list_append(o));
  EXPECT_EQ(r.valid, Validity::kTrue) << r.to_json().dump(2).substr(0, 2000);
  EXPECT_EQ(r.transactions, 100'000u);
}

}  // namespace
}  // namespace fl::checkers::elle
