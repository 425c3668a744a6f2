// HistoryRecorder: writes the run's history (history/history.h) as operations happen, and hands
// out Jepsen process numbers.
//
// Time is nanoseconds since the recorder was created, read from the io::Clock it was given
// (virtual time in simulation, the real monotonic clock in production). Process numbers: client
// slot s of a workload whose processes start at `base` first runs as process base + s; after an
// info completion (the process may still be acting, or crashed) the slot takes the next unused
// number base + s + k * concurrency, so a process number is never reused (Jepsen). Nemesis events
// are recorded with process history::kNemesisProcess, type info.
//
// Bounded: at most kMaxOps events; beyond that further events are counted as dropped (the run
// then reports it) rather than growing without limit.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/history.h"
#include "system/io/clock.h"

namespace fl::workloads {

class HistoryRecorder {
 public:
  static constexpr std::size_t kMaxOps = 2'000'000;

  explicit HistoryRecorder(io::Clock& clock);

  // Records an invocation; returns its history index (or -1 if dropped).
  std::int64_t invoke(std::int64_t process, const std::string& f, const nlohmann::json& value);
  // Records the completion of the open invocation of `process`.
  // REQUIRES: type is kOk, kFail or kInfo; `process` has an open invocation with this f.
  void complete(std::int64_t process, history::OpType type, const std::string& f,
                const nlohmann::json& value, const std::string& error);
  // A nemesis event: process "nemesis", type info ("start-partition", "heal-all", ...).
  void nemesis(const std::string& f, const nlohmann::json& value);
  // A nemesis op built by a nemesis (nemeses/nemesis.h Record): kept as given except its index
  // and time, which the recorder assigns (one clock for the whole history).
  void nemesis_op(const history::Op& op);

  std::int64_t now_ns() const;
  const history::History& history() const { return history_; }
  std::size_t dropped() const { return dropped_; }
  // Whether `process` has an invocation without completion.
  bool open(std::int64_t process) const;

 private:
  bool push(history::Op op);

  io::Clock& clock_;
  std::int64_t origin_ns_;
  history::History history_;
  std::vector<std::pair<std::int64_t, std::string>> open_;  // (process, f), small
  std::size_t dropped_ = 0;
};

// Process numbers for one workload's client slots.
class ProcessTable {
 public:
  // Slots 0..concurrency-1 start as base..base+concurrency-1.
  ProcessTable(std::int64_t base, int concurrency);
  std::int64_t process(int slot) const;
  // After an info: the slot's next, never used number.
  std::int64_t retire(int slot);
  // Whether `process` belongs to this table's range (base + slot + k * concurrency).
  bool owns(std::int64_t process) const;
  std::int64_t base() const { return base_; }
  // Numbers reserved per workload, so tables of several workloads never overlap.
  static constexpr std::int64_t kStride = 1'000'000'000;

 private:
  std::int64_t base_;
  int concurrency_;
  std::vector<std::int64_t> current_;
};

}  // namespace fl::workloads
