// Pairs a history's invocations with their completions by process (nemesis ops skipped), for
// the domain checkers. A call whose completion is info or missing has an unknown outcome.
#pragma once

#include <string>
#include <vector>

#include "history/history.h"

namespace fl::checkers {

constexpr std::size_t kNoCompletion = static_cast<std::size_t>(-1);

struct Call {
  const history::Op* invoke = nullptr;
  const history::Op* complete = nullptr;  // null when the history ends first
  std::size_t invoke_pos = 0;             // positions in History::ops
  std::size_t complete_pos = kNoCompletion;
  bool ok() const { return complete != nullptr && complete->type == history::OpType::kOk; }
  bool failed() const { return complete != nullptr && complete->type == history::OpType::kFail; }
  bool unknown() const { return !ok() && !failed(); }
  // The completion's value when it has one, else the invocation's.
  const nlohmann::json& value() const {
    return complete != nullptr && !complete->value.is_null() ? complete->value : invoke->value;
  }
  std::vector<std::int64_t> op_indexes() const;
};

// Calls in invocation order. On a malformed history (a completion without an open invocation,
// or an invocation while its process has one open) returns false with *error naming the line.
bool pair_calls(const history::History& h, std::vector<Call>* calls, std::string* error);

}  // namespace fl::checkers
