// The echo system's check (echo.h), from the history and, in simulation, the oracle:
//  - every acknowledged reply echoes the body that was sent, from the node it was sent to (the
//    relay's target for /relay): no reply to another request, none without a request;
//  - simulation: every acknowledged request was handled by the incarnation that answered it;
//  - simulation: each node started exactly 1 + (times the history says it was killed) times;
//  - simulation: after the heal, each node's final echo comes from its newest incarnation.
#include <map>

#include "checkers/registry.h"
#include "compose/echo/echo.h"

namespace fl::compose {
namespace {

constexpr std::size_t kMaxProblems = 50;

struct Judged {
  std::vector<std::string> problems;
  std::int64_t acknowledged = 0;
  void problem(std::string text) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(text));
  }
};

std::string text_of(const nlohmann::json& v, const char* key) {
  return v.is_object() && v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : "";
}

void check_reply(const history::Op& op, const EchoOracle* oracle, Judged* j) {
  const nlohmann::json& v = op.value;
  const std::string body = text_of(v, "body"), echoed = text_of(v, "echoed");
  if (v.contains("malformed")) return j->problem("malformed reply: " + v["malformed"].dump());
  const std::string relay = text_of(v, "relay_to");
  const std::string expected = relay.empty() ? text_of(v, "target") : relay;
  const std::string node = text_of(v, "node");
  if (echoed != body) j->problem("reply to another request: sent " + body + ", got " + echoed);
  if (node != expected) j->problem("reply from " + node + ", expected " + expected);
  ++j->acknowledged;
  if (oracle == nullptr) return;
  const std::uint64_t inc = v.value("incarnation", std::uint64_t{0});
  auto it = oracle->handled.find(echoed);
  if (it == oracle->handled.end() || it->second.count({node, inc}) == 0) {
    j->problem("acknowledged but never handled by " + node + "#" + std::to_string(inc) + ": " +
               echoed);
  }
}

// Times the history's nemesis ops say `node` was killed.
std::map<std::string, std::uint64_t> kills(const history::History& h) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& op : h.ops) {
    if (op.process != history::kNemesisProcess || !op.value.is_object()) continue;
    if (op.f.rfind("start-", 0) != 0 || !op.value.contains("killed")) continue;
    for (const auto& n : op.value["killed"]) {
      if (n.is_string()) ++out[n.get<std::string>()];
    }
  }
  return out;
}

void check_starts(const history::History& h, const EchoOracle& oracle, int nodes,
                  const std::map<std::string, std::uint64_t>& newest_final, Judged* j) {
  const auto killed = kills(h);
  for (int i = 1; i <= nodes; ++i) {
    const std::string n = echo_node_name(i);
    const auto it = oracle.starts.find(n);
    const std::uint64_t starts = it == oracle.starts.end() ? 0 : it->second.size();
    const std::uint64_t expected = 1 + (killed.count(n) ? killed.at(n) : 0);
    if (starts != expected) {
      j->problem(n + " started " + std::to_string(starts) + " times, expected " +
                 std::to_string(expected));
    }
    const auto seen = newest_final.find(n);
    if (seen != newest_final.end() && seen->second != starts) {
      j->problem(n + " answered from incarnation " + std::to_string(seen->second) +
                 " after the heal, newest is " + std::to_string(starts));
    }
  }
}

}  // namespace

checkers::CheckOutcome judge_echo(const history::History& history, const std::string& mode,
                                  const EchoOracle& oracle, int nodes) {
  const EchoOracle* seen = mode == "sim" ? &oracle : nullptr;  // real: other processes
  Judged j;
  std::map<std::string, std::uint64_t> newest_final;  // node -> incarnation of its final echo
  for (const auto& op : history.ops) {
    if (op.type != history::OpType::kOk || (op.f != "echo" && op.f != "final-echo")) continue;
    check_reply(op, seen, &j);
    if (op.f == "final-echo")
      newest_final[text_of(op.value, "node")] = op.value.value("incarnation", std::uint64_t{0});
  }
  if (seen != nullptr) check_starts(history, oracle, nodes, newest_final, &j);
  checkers::CheckOutcome out;
  out.valid = j.problems.empty() ? checkers::Validity::kTrue : checkers::Validity::kFalse;
  out.result = {{"valid", j.problems.empty()},
                {"acknowledged", j.acknowledged},
                {"oracle", seen != nullptr},
                {"problems", j.problems}};
  return out;
}

}  // namespace fl::compose
