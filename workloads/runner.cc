#include "workloads/runner.h"

#include "system/io/assert.h"

namespace fl::workloads {

history::OpType completion_type(const io::Status& status, bool writes) {
  if (status.is_ok()) return history::OpType::kOk;
  if (status.is_indeterminate() && writes) return history::OpType::kInfo;
  return history::OpType::kFail;
}

ClientSlot::ClientSlot(Workload& workload, Generator& generator, HistoryRecorder& recorder,
                       ProcessTable& processes, io::Env& env, int slot)
    : workload_(workload),
      generator_(generator),
      recorder_(recorder),
      processes_(processes),
      env_(env),
      slot_(slot),
      client_(workload.make_client(env)) {
  FL_ASSERT(client_ != nullptr);
}

history::OpType ClientSlot::perform(const Invocation& op) {
  const std::int64_t process = processes_.process(slot_);
  recorder_.invoke(process, op.f, op.value);
  Completion done = client_->invoke(op);
  FL_ASSERT(done.type != history::OpType::kInvoke);
  recorder_.complete(process, done.type, op.f, done.value, done.error);
  switch (done.type) {
    case history::OpType::kOk:
      ++stats_.ok;
      stats_.last_ok_ns = recorder_.now_ns();
      break;
    case history::OpType::kFail:
      ++stats_.fail;
      break;
    default:
      ++stats_.info;
      // The process may still be acting: retire its number and reconnect (Jepsen).
      processes_.retire(slot_);
      client_ = workload_.make_client(env_);
      FL_ASSERT(client_ != nullptr);
      break;
  }
  return done.type;
}

void ClientSlot::run_until(std::int64_t until_ns) {
  for (std::int64_t step_no = 0; step_no < kMaxSteps; ++step_no) {
    const std::int64_t now = recorder_.now_ns();
    if (now >= until_ns) return;
    Generator::Step step = generator_.next(slot_, now);
    if (step.kind == Generator::Step::Kind::kDone) return;
    if (step.wait_ns > 0) {
      if (now + step.wait_ns >= until_ns) {
        env_.clock.sleep_ns(until_ns - now);
        return;
      }
      env_.clock.sleep_ns(step.wait_ns);
    } else {
      env_.tasks.yield();  // a closed loop still lets others run
    }
    perform(workload_.make_op(step.f, step.key, env_.random));
  }
}

}  // namespace fl::workloads
