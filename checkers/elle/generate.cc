#include "checkers/elle/generate.h"

#include <deque>
#include <nlohmann/json.hpp>
#include <vector>

namespace fl::checkers::elle {

namespace {

history::History generate(const GenerateOptions& o, bool registers) {
  std::uint64_t x = o.seed * 0x9E3779B97F4A7C15ULL + 1;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  struct Slot {
    std::int64_t key = 0;
    std::vector<std::int64_t> list;
  };
  std::vector<Slot> slots(o.active_keys);
  std::int64_t next_key = 0, next_value = 0;
  for (Slot& s : slots) s.key = next_key++;
  history::History h;
  h.ops.reserve(o.transactions * 2);
  std::deque<history::Op> open;  // completions waiting, oldest first
  auto push = [&h](history::Op op) {
    op.index = static_cast<std::int64_t>(h.ops.size());
    h.ops.push_back(std::move(op));
  };
  for (std::size_t t = 0; t < o.transactions; ++t) {
    if (open.size() >= o.concurrency) {
      push(std::move(open.front()));
      open.pop_front();
    }
    nlohmann::json invoked = nlohmann::json::array(), done = nlohmann::json::array();
    for (std::size_t m = 0; m < o.mops_per_txn; ++m) {
      Slot& s = slots[next() % slots.size()];
      if (next() % 2 == 0) {
        s.list.push_back(++next_value);
        const char* f = registers ? "w" : "append";
        invoked.push_back({f, s.key, next_value});
        done.push_back({f, s.key, next_value});
        if (s.list.size() >= o.max_appends_per_key) {
          s.key = next_key++;
          s.list.clear();
        }
      } else {
        invoked.push_back({"r", s.key, nullptr});
        if (registers) {
          done.push_back(
              {"r", s.key, s.list.empty() ? nlohmann::json() : nlohmann::json(s.list.back())});
        } else {
          done.push_back({"r", s.key, s.list});
        }
      }
    }
    history::Op op;
    op.process = static_cast<std::int64_t>(t % (2 * o.concurrency + 1));
    op.f = "txn";
    op.type = history::OpType::kInvoke;
    op.value = std::move(invoked);
    push(op);
    op.type = history::OpType::kOk;
    op.value = std::move(done);
    open.push_back(std::move(op));
  }
  while (!open.empty()) {
    push(std::move(open.front()));
    open.pop_front();
  }
  return h;
}

}  // namespace

history::History generate_list_append(const GenerateOptions& o) { return generate(o, false); }
history::History generate_rw_register(const GenerateOptions& o) { return generate(o, true); }

}  // namespace fl::checkers::elle
