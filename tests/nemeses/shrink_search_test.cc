// Proves the search of `faultline shrink` on a fake runner whose failure needs duration_s >= 7,
// concurrency >= 2 and "kill" among the mix's faults: the search finds exactly those minima,
// keeps every step's assignments, respects its run budget, and rejects candidates that fail
// differently (another checker, or no anomaly type in common) or pass. Also the failure
// signature read from results.json and the TOML rendering of --set values.
#include "harness/sweep/shrink_search.h"

#include <gtest/gtest.h>

#include <map>

namespace fl::harness {
namespace {

const Trial kFailure{"fail", {"linearizable"}, {"linearizable:nonlinearizable"}};

std::map<std::string, std::string> parse(const std::vector<std::string>& assignments) {
  std::map<std::string, std::string> out;
  for (const auto& a : assignments) out[a.substr(0, a.find('='))] = a.substr(a.find('=') + 1);
  return out;
}

std::vector<Knob> knobs() {
  return {Knob::integer("duration_s", 60, 1), Knob::integer("workload.0.concurrency", 10, 1),
          Knob::list("nemesis.0.of", {"partition-halves", "kill", "pause"})};
}

Trial fake(const std::vector<std::string>& assignments, int* runs) {
  ++*runs;
  auto set = parse(assignments);
  const int duration = set.count("duration_s") ? std::stoi(set["duration_s"]) : 60;
  const int clients =
      set.count("workload.0.concurrency") ? std::stoi(set["workload.0.concurrency"]) : 10;
  const bool kill =
      !set.count("nemesis.0.of") || set["nemesis.0.of"].find("kill") != std::string::npos;
  if (duration >= 7 && clients >= 2 && kill) return kFailure;
  if (duration >= 3) return Trial{"fail", {"linearizable"}, {"linearizable:timeout"}};
  return Trial{"pass", {}, {}};
}

TEST(ShrinkSearch, FindsTheSmallestFailingParameters) {
  int runs = 0;
  ShrinkOutcome o = shrink_search(
      knobs(), kFailure, [&](const auto& a) { return fake(a, &runs); }, 100);
  EXPECT_EQ(o.runs, runs);
  EXPECT_FALSE(o.budget_exhausted);
  EXPECT_EQ(o.knobs[0].value, 7);
  EXPECT_EQ(o.knobs[1].value, 2);
  EXPECT_EQ(o.knobs[2].items, nlohmann::json({"kill"}));
  EXPECT_EQ(o.assignments(), (std::vector<std::string>{"duration_s=7", "workload.0.concurrency=2",
                                                       "nemesis.0.of=[\"kill\"]"}));
  for (const auto& s : o.steps) {
    EXPECT_EQ(s.kept, same_failure(kFailure, s.trial));
    EXPECT_FALSE(s.assignments.empty());
  }
  EXPECT_LT(runs, 40);  // bisection, not a linear walk
}

TEST(ShrinkSearch, StopsAtItsBudget) {
  int runs = 0;
  ShrinkOutcome o = shrink_search(
      knobs(), kFailure, [&](const auto& a) { return fake(a, &runs); }, 3);
  EXPECT_EQ(runs, 3);
  EXPECT_TRUE(o.budget_exhausted);
  EXPECT_GE(o.knobs[0].value, 7);
}

TEST(ShrinkSearch, SameFailureMeansSameCheckersAndAnAnomalyInCommon) {
  EXPECT_TRUE(same_failure(kFailure, kFailure));
  EXPECT_FALSE(same_failure(kFailure, Trial{"pass", {}, {}}));
  EXPECT_FALSE(same_failure(kFailure, Trial{"fail", {"linearizable"}, {"linearizable:other"}}));
  EXPECT_FALSE(same_failure(
      kFailure, Trial{"fail", {"linearizable", "set"}, {"linearizable:nonlinearizable"}}));
  EXPECT_FALSE(same_failure(kFailure, Trial{"unknown", {"linearizable"}, kFailure.signature}));
}

TEST(ShrinkSearch, SignatureFromResultsJson) {
  const nlohmann::json results = {
      {"result", "fail"},
      {"problems", {"elle: invalid"}},
      {"checks",
       {{{"name", "elle"},
         {"valid", false},
         {"result", {{"anomalies", {{{"type", "G2-item"}}, {{"type", "G-single"}}}}}}},
        {{"name", "linearizable"}, {"valid", true}, {"result", {{"valid", true}}}},
        {{"name", "set"}, {"valid", "unknown"}}}}};
  Trial t = trial_from_results(results);
  EXPECT_EQ(t.result, "fail");
  EXPECT_EQ(t.failing_checkers, std::set<std::string>{"elle"});
  EXPECT_EQ(t.signature, (std::set<std::string>{"elle:G-single", "elle:G2-item"}));
  Trial elle = trial_from_results(
      {{"result", "fail"},
       {"checks",
        {{{"name", "elle-list-append"},
          {"valid", false},
          {"result", {{"anomalies", {{"G2-item", {"T1 -rw-> T2 -rw-> T1"}}}}}}}}}});
  EXPECT_EQ(elle.signature, std::set<std::string>{"elle-list-append:G2-item"});
  Trial liveness = trial_from_results(
      {{"result", "fail"}, {"problems", {"liveness: no ok op after heal in 12 s"}}});
  EXPECT_EQ(liveness.signature,
            std::set<std::string>{"problem:liveness: no ok op after heal in  s"});
}

TEST(ShrinkSearch, TomlValues) {
  EXPECT_EQ(toml_value(nlohmann::json({"a", 1, true})), "[\"a\", 1, true]");
  EXPECT_EQ(toml_value({{"name", "kill"}, {"targets", "all"}}),
            "{name = \"kill\", targets = \"all\"}");
  EXPECT_EQ(toml_value(nlohmann::json::array({"kill", {{"name", "pause"}, {"nodes", {"n1"}}}})),
            "[\"kill\", {name = \"pause\", nodes = [\"n1\"]}]");
  EXPECT_EQ(Knob::integer("duration_s", 9, 1).assignment(), "duration_s=9");
}

}  // namespace
}  // namespace fl::harness
