// Builds transactional histories for the Elle tests: serial transactions (each completes before
// the next starts) or explicit invocations and completions for concurrency.
#pragma once

#include <nlohmann/json.hpp>

#include "history/history.h"

namespace fl::checkers::elle::testing {

using nlohmann::json;

struct Builder {
  history::History h;
  void invoke(std::int64_t process, json mops) { push(process, history::OpType::kInvoke, mops); }
  void complete(std::int64_t process, json mops, history::OpType type = history::OpType::kOk) {
    push(process, type, mops);
  }
  // A transaction that completes before the next one starts (type ok/fail/info).
  void txn(std::int64_t process, json mops, history::OpType type = history::OpType::kOk) {
    json invoked = mops;
    for (auto& m : invoked) {
      if (m[0] == "r") m[2] = nullptr;  // reads are unknown at invocation
    }
    invoke(process, invoked);
    complete(process, mops, type);
  }
  // A completion with no invocation (as Elle's tests write most histories).
  void done(std::int64_t process, json mops, history::OpType type = history::OpType::kOk) {
    push(process, type, mops);
  }
  void push(std::int64_t process, history::OpType type, json mops) {
    history::Op op;
    op.index = static_cast<std::int64_t>(h.ops.size());
    op.process = process;
    op.type = type;
    op.f = "txn";
    op.value = std::move(mops);
    h.ops.push_back(op);
  }
};

inline json ap(const char* k, int v) { return json::array({"append", k, v}); }
inline json rd(const char* k, json v) { return json::array({"r", k, std::move(v)}); }
inline json wr(const char* k, int v) { return json::array({"w", k, v}); }
inline json none() { return json::array(); }
// A read of several elements: rl("x", {1, 2}).
inline json rl(const char* k, std::initializer_list<int> v) {
  return json::array({"r", k, json(std::vector<int>(v))});
}

}  // namespace fl::checkers::elle::testing
