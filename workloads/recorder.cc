#include "workloads/recorder.h"

#include <algorithm>

#include "system/io/assert.h"

namespace fl::workloads {

HistoryRecorder::HistoryRecorder(io::Clock& clock)
    : clock_(clock), origin_ns_(clock.monotonic_ns()) {}

std::int64_t HistoryRecorder::now_ns() const { return clock_.monotonic_ns() - origin_ns_; }

bool HistoryRecorder::push(history::Op op) {
  if (history_.ops.size() >= kMaxOps) {
    ++dropped_;
    return false;
  }
  op.index = static_cast<std::int64_t>(history_.ops.size());
  op.time_ns = now_ns();
  FL_ASSERT(history_.ops.empty() || history_.ops.back().time_ns <= op.time_ns);
  history_.ops.push_back(std::move(op));
  return true;
}

bool HistoryRecorder::open(std::int64_t process) const {
  return std::any_of(open_.begin(), open_.end(), [&](const auto& p) { return p.first == process; });
}

std::int64_t HistoryRecorder::invoke(std::int64_t process, const std::string& f,
                                     const nlohmann::json& value) {
  FL_ASSERT(process >= 0);
  FL_ASSERT_MSG(!open(process), "process " << process << " already has an open invocation");
  history::Op op;
  op.process = process;
  op.type = history::OpType::kInvoke;
  op.f = f;
  op.value = value;
  open_.emplace_back(process, f);
  if (!push(std::move(op))) return -1;
  return history_.ops.back().index;
}

void HistoryRecorder::complete(std::int64_t process, history::OpType type, const std::string& f,
                               const nlohmann::json& value, const std::string& error) {
  FL_ASSERT(type != history::OpType::kInvoke);
  auto it =
      std::find_if(open_.begin(), open_.end(), [&](const auto& p) { return p.first == process; });
  FL_ASSERT_MSG(it != open_.end(), "completion for process " << process << " without invocation");
  FL_ASSERT_EQ(it->second, f);
  open_.erase(it);
  history::Op op;
  op.process = process;
  op.type = type;
  op.f = f;
  op.value = value;
  if (!error.empty()) op.extra["error"] = error;
  push(std::move(op));
}

void HistoryRecorder::nemesis(const std::string& f, const nlohmann::json& value) {
  history::Op op;
  op.process = history::kNemesisProcess;
  op.type = history::OpType::kInfo;
  op.f = f;
  op.value = value;
  push(std::move(op));
}

void HistoryRecorder::nemesis_op(const history::Op& op) {
  FL_ASSERT_EQ(op.process, history::kNemesisProcess);
  push(op);
}

ProcessTable::ProcessTable(std::int64_t base, int concurrency)
    : base_(base), concurrency_(concurrency) {
  FL_ASSERT(base >= 0 && concurrency >= 1);
  for (int s = 0; s < concurrency; ++s) current_.push_back(base + s);
}

std::int64_t ProcessTable::process(int slot) const {
  FL_ASSERT(slot >= 0 && slot < concurrency_);
  return current_[static_cast<std::size_t>(slot)];
}

std::int64_t ProcessTable::retire(int slot) {
  FL_ASSERT(slot >= 0 && slot < concurrency_);
  auto& p = current_[static_cast<std::size_t>(slot)];
  p += concurrency_;
  FL_ASSERT_LT(p, base_ + kStride);
  return p;
}

bool ProcessTable::owns(std::int64_t process) const {
  return process >= base_ && process < base_ + kStride;
}

}  // namespace fl::workloads
