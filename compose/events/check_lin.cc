// "stream-linearizable" (events.h): appends and reads of each stream, as operations on a cas
// register holding the stream's version (null before the first event), through the
// linearizable checker (checkers/registry.h, model cas-register, one key per stream):
//  - an acknowledged command is cas(first - 1, last): it moved the version atomically;
//  - a definite refusal that names the version it found (409 wrong expected version, 422 a
//    business rule) is a read of that version;
//  - a read of an aggregate is a read of its version;
//  - an unknown command (info) is cas(first - 1, last) with no completion when the final log
//    holds its command_id, and left out when it does not (it never happened);
//  - other definite failures (503, 400) changed nothing and are left out.
// So "of two concurrent appends with the same expected version exactly one succeeds" and "an
// append acknowledged before another began has the lower versions" are both checked.
#include <map>

#include "compose/events/check.h"

namespace fl::compose {
namespace {

using history::OpType;
using nlohmann::json;

json version_value(std::int64_t v) { return v == 0 ? json() : json(v); }

struct Translated {
  std::string f;  // "cas" | "read"; "" = left out
  json invoke_value;
  json complete_value;
  OpType type = OpType::kOk;
};

// The committed versions of a command id in the final log (first, last), or nullopt.
std::optional<std::pair<std::int64_t, std::int64_t>> committed(const EventsFinalState& s,
                                                               const std::string& id) {
  for (const auto& c : s.commands) {
    if (c.command_id == id) return std::pair{c.first_version, c.last_version};
  }
  return std::nullopt;
}

Translated translate(const history::Op& done, const EventsFinalState& s) {
  const json& v = done.value;
  if (done.f == "read") {
    if (done.type != OpType::kOk) return {};
    const json read = version_value(v.value("version", std::int64_t{0}));
    return {"read", nullptr, read, OpType::kOk};
  }
  if (done.type == OpType::kOk) {
    const auto& events = v.at("events");
    const std::int64_t first = events.front().at(1).get<std::int64_t>();
    const std::int64_t last = events.back().at(1).get<std::int64_t>();
    const json cas = {version_value(first - 1), last};
    return {"cas", cas, cas, OpType::kOk};
  }
  if (done.type == OpType::kFail) {
    if (!v.contains("current_version")) return {};
    const json read = version_value(v.value("current_version", std::int64_t{0}));
    return {"read", nullptr, read, OpType::kOk};
  }
  const auto c = committed(s, v.value("command_id", ""));
  if (!c) return {};
  const json cas = {version_value(c->first - 1), c->second};
  return {"cas", cas, cas, OpType::kInfo};
}

}  // namespace

checkers::CheckOutcome judge_stream_linearizable(const history::History& h) {
  checkers::CheckOutcome out;
  const history::Op* final_read = nullptr;
  for (const auto& op : h.ops) {
    if (op.f == "final-read" && op.type == OpType::kOk) final_read = &op;
  }
  EventsFinalState state;
  const std::string bad = final_read == nullptr ? "no final-read completed"
                                                : final_state_from_json(final_read->value, &state);
  if (!bad.empty()) {
    out.result = {{"valid", "unknown"}, {"error", bad}};
    return out;
  }
  // Pair each command/read completion with its invocation, then emit both translated.
  std::map<std::int64_t, std::size_t> open;         // process -> index of its invocation
  std::map<std::size_t, Translated> by_invocation;  // invocation index -> translation
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const history::Op& op = h.ops[i];
    if (op.process == history::kNemesisProcess || (op.f != "command" && op.f != "read")) continue;
    if (op.type == OpType::kInvoke) {
      open[op.process] = i;
      continue;
    }
    const auto it = open.find(op.process);
    if (it == open.end()) continue;
    Translated t = translate(op, state);
    if (!t.f.empty()) by_invocation[it->second] = std::move(t);
    open.erase(it);
  }
  history::History lin;
  std::map<std::int64_t, std::size_t> pending;  // process -> invocation index being emitted
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const history::Op& op = h.ops[i];
    if (op.process == history::kNemesisProcess || (op.f != "command" && op.f != "read")) continue;
    const std::size_t at = op.type == OpType::kInvoke ? i : pending[op.process];
    if (op.type == OpType::kInvoke) pending[op.process] = i;
    const auto t = by_invocation.find(at);
    if (t == by_invocation.end()) continue;
    if (op.type == OpType::kInfo ||
        (op.type != OpType::kInvoke && t->second.type == OpType::kInfo)) {
      continue;  // an unknown outcome stays open: the checker closes it at the end
    }
    history::Op out_op = op;
    out_op.f = t->second.f;
    out_op.type = op.type == OpType::kInvoke ? OpType::kInvoke : t->second.type;
    out_op.value = op.type == OpType::kInvoke ? t->second.invoke_value : t->second.complete_value;
    out_op.extra = {{"key", op.value.value("aggregate_id", "")}};
    lin.ops.push_back(std::move(out_op));
  }
  out = checkers::run_checker("linearizable", {{"model", "cas-register"}}, lin);
  out.result["operations_translated"] = lin.ops.size();
  return out;
}

}  // namespace fl::compose
