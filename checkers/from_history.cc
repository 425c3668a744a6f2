// Our JSON-lines histories -> LinOps (see formats.h for the pairing rules).
#include <map>

#include "checkers/formats.h"

namespace fl::checkers {
namespace {

bool fail(FormatError* e, std::size_t line, std::string message) {
  e->line = line;
  e->message = std::move(message);
  return false;
}

// Values become text: strings verbatim for kv (appends concatenate), JSON text otherwise.
std::string text(const nlohmann::json& v, bool raw_strings) {
  if (raw_strings && v.is_string()) return v.get<std::string>();
  return v.dump();
}

// Splits an op's value into (key, payload) by the conventions in DESIGN.md.
void split_key(const history::Op& op, bool pair_keys, std::string* key, nlohmann::json* payload) {
  if (op.f == "txn") {  // multi-register transactions: one object, no key
    key->clear();
    *payload = op.value;
    return;
  }
  if (op.extra.contains("key")) {
    *key =
        op.extra["key"].is_string() ? op.extra["key"].get<std::string>() : op.extra["key"].dump();
    *payload = op.value;
    return;
  }
  const bool pair = pair_keys && op.value.is_array() && op.value.size() == 2;
  const bool keyed = op.f == "cas" ? pair && op.value[1].is_array() : pair;
  if (keyed) {
    *key = op.value[0].is_string() ? op.value[0].get<std::string>() : op.value[0].dump();
    *payload = op.value[1];
  } else {
    key->clear();
    *payload = op.value;
  }
}

}  // namespace

bool ops_from_history(const history::History& h, FailedCas failed_cas, std::vector<LinOp>* ops,
                      FormatError* error, bool raw_strings, bool pair_keys) {
  std::map<std::int64_t, std::size_t> open;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const history::Op& op = h.ops[i];
    const std::size_t line = i + 1;
    if (op.process == history::kNemesisProcess) continue;
    std::string key;
    nlohmann::json payload;
    split_key(op, pair_keys, &key, &payload);
    if (op.type == history::OpType::kInvoke) {
      if (open.count(op.process)) return fail(error, line, "no invocation while one is open");
      LinOp l;
      l.call = static_cast<std::int64_t>(i);
      l.process = op.process;
      l.f = op.f;
      l.key = key;
      l.source = line;
      if (op.f == "cas") {
        if (!payload.is_array() || payload.size() != 2) return fail(error, line, "cas [from, to]");
        l.a = text(payload[0], raw_strings);
        l.b = text(payload[1], raw_strings);
      } else if (op.f != "read" && op.f != "get") {
        l.a = text(payload, raw_strings);
      }
      open[op.process] = ops->size();
      ops->push_back(l);
      continue;
    }
    auto it = open.find(op.process);
    if (it == open.end()) return fail(error, line, "a completion for an open invocation");
    LinOp& l = (*ops)[it->second];
    if (l.f != op.f) return fail(error, line, "the completion's f to match its invocation");
    if (op.type == history::OpType::kInfo) continue;  // unknown: closed at the end
    const std::size_t at = it->second;
    open.erase(it);
    l.ret = static_cast<std::int64_t>(i);
    if (op.type == history::OpType::kFail) {
      if (l.f == "cas" && failed_cas == FailedCas::kEvidence) {
        l.ok = false;
      } else {
        ops->erase(ops->begin() + static_cast<long>(at));  // it never happened
        for (auto& [p, idx] : open) {
          if (idx > at) --idx;
        }
      }
      continue;
    }
    if (l.f == "txn" && payload.is_array())
      l.a = text(payload, raw_strings);  // the completion's mops, reads filled
    if (l.f == "read" || l.f == "get") {
      l.exists = !payload.is_null();
      l.out = l.exists ? text(payload, raw_strings) : "";
    }
  }
  for (auto& [p, idx] : open) {
    (*ops)[idx].unknown = true;
    (*ops)[idx].ret = LinOp::kNever;
  }
  return true;
}

}  // namespace fl::checkers
