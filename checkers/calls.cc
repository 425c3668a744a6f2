#include "checkers/calls.h"

#include <map>

namespace fl::checkers {

std::vector<std::int64_t> Call::op_indexes() const {
  std::vector<std::int64_t> out{invoke->index};
  if (complete != nullptr) out.push_back(complete->index);
  return out;
}

bool pair_calls(const history::History& h, std::vector<Call>* calls, std::string* error) {
  std::map<std::int64_t, std::size_t> open;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const history::Op& op = h.ops[i];
    if (op.process == history::kNemesisProcess) continue;
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    if (op.type == history::OpType::kInvoke) {
      if (open.count(op.process) != 0) {
        *error = where + "a completion of process " + std::to_string(op.process) +
                 "'s open operation before its next invocation";
        return false;
      }
      open[op.process] = calls->size();
      calls->push_back(Call{&op, nullptr, i, kNoCompletion});
      continue;
    }
    auto it = open.find(op.process);
    if (it == open.end()) {
      *error = where + "a completion for an open invocation";
      return false;
    }
    Call& c = (*calls)[it->second];
    if (c.invoke->f != op.f) {
      *error = where + "the completion's f (" + op.f + ") to match its invocation's (" +
               c.invoke->f + ")";
      return false;
    }
    c.complete = &op;
    c.complete_pos = i;
    open.erase(it);
  }
  return true;
}

}  // namespace fl::checkers
