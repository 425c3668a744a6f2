// Queue on EventLog (Kafka): clients enqueue unique elements (produce) and dequeue them as one
// consumer group (poll, then commit the offsets past what was processed). After the heal, slot 0
// drains the topic and a final read lists every element any client ever dequeued. Every
// acknowledged enqueue must have been dequeued (at-least-once: duplicates are fine), nothing
// never enqueued may appear (Jepsen's total-queue, judged by the "set" checker).
//
// History: add invoke/complete value e (the enqueue; info when the produce is indeterminate);
// dequeue invoke value {"wait_ms": n}, completed with the elements the poll returned; read
// (final) value null, completed with the sorted elements dequeued over the whole run — a summary
// the workload keeps, since a queue cannot be read without consuming it.
// A consumer commits only after it has recorded what it polled, so a correct EventLog loses
// nothing; one that commits before the application has processed (a broken mode) loses the
// records of a poll whose reply never arrived.
#include <map>
#include <set>

#include "system/io/assert.h"
#include "workloads/builtin.h"

namespace fl::workloads {
namespace {

constexpr std::size_t kMaxPollRecords = 16;
constexpr std::int64_t kPollWaitMs = 100;
constexpr std::int64_t kDrainWaitMs = 500;
constexpr int kDrainPolls = 30;

struct QueueState {
  std::string topic;
  int partitions = 4;
  std::string group;
  std::set<const io::EventLog*> subscribed;  // membership only (never iterated)
  std::set<std::int64_t> dequeued;
  std::int64_t next_element = 0;
};

class QueueClient final : public Client {
 public:
  QueueClient(io::Env& env, QueueState& state) : env_(env), state_(state) {}

  Completion invoke(const Invocation& op) override {
    io::EventLog& log = *env_.events;
    if (op.f == "add") {
      const std::int64_t e = op.value.get<std::int64_t>();
      auto produced = log.produce(state_.topic, std::to_string(e), std::to_string(e));
      if (!produced.is_ok()) return failed_completion(produced.status(), true, op.value);
      return {history::OpType::kOk, op.value, ""};
    }
    if (op.f == "read") {
      return {history::OpType::kOk, nlohmann::json(state_.dequeued), ""};
    }
    FL_ASSERT_EQ(op.f, "dequeue");
    if (!state_.subscribed.count(&log)) {
      io::Status s = log.subscribe(state_.group, {state_.topic});
      if (!s.is_ok()) return failed_completion(s, false, op.value);
      state_.subscribed.insert(&log);
    }
    const std::int64_t wait_ms = op.value.value("wait_ms", kPollWaitMs);
    auto polled = log.poll(kMaxPollRecords, env_.clock.deadline_after_ns(wait_ms * io::kNsPerMs));
    if (!polled.is_ok()) return failed_completion(polled.status(), false, op.value);
    nlohmann::json values = nlohmann::json::array();
    std::map<io::TopicPartition, std::int64_t> next;
    for (const io::EventRecord& r : polled.value()) {
      const std::int64_t e = std::stoll(r.value);
      values.push_back(e);
      state_.dequeued.insert(e);  // processed: recorded before the commit
      auto& n = next[{r.topic, r.partition}];
      n = std::max(n, r.offset + 1);
    }
    if (!next.empty()) (void)log.commit(next);  // a failed commit means redelivery, not loss
    return {history::OpType::kOk, values, ""};
  }

 private:
  io::Env& env_;
  QueueState& state_;
};

class QueueWorkload final : public Workload {
 public:
  explicit QueueWorkload(QueueState state) : state_(std::move(state)) {}

  io::Status setup(io::Env& env) override {
    FL_ASSERT(env.events != nullptr);
    return env.events->create_topic(state_.topic, state_.partitions);
  }
  std::unique_ptr<Client> make_client(io::Env& env) override {
    return std::make_unique<QueueClient>(env, state_);
  }
  Invocation make_op(const std::string& f, std::int64_t, io::Random&) override {
    if (f == "dequeue") return {f, {{"wait_ms", kPollWaitMs}}};
    FL_ASSERT_EQ(f, "add");
    return {f, state_.next_element++};
  }
  std::vector<Invocation> final_ops() override {
    std::vector<Invocation> ops(kDrainPolls, Invocation{"dequeue", {{"wait_ms", kDrainWaitMs}}});
    ops.push_back({"read", nullptr});
    return ops;
  }
  std::vector<CheckerSpec> checkers() const override { return {{"set", nlohmann::json::object()}}; }

 private:
  QueueState state_;
};

}  // namespace

WorkloadInfo queue_workload_info() {
  WorkloadInfo info;
  info.name = "queue";
  info.description =
      "Kafka queue: unique enqueues, group dequeues, drain; nothing acknowledged lost";
  info.options = {
      {"topic", OptionSpec::Kind::kString, "queue", 0, 0, {}, "topic name"},
      {"group", OptionSpec::Kind::kString, "queue-consumers", 0, 0, {}, "consumer group"},
      {"partitions", OptionSpec::Kind::kInt, 4, 1, io::kMaxPartitions, {}, "topic partitions"},
  };
  info.default_mix = {{"add", 1}, {"dequeue", 1}};
  info.needs = [](const Options&) { return std::vector<StoreKind>{StoreKind::kEvents}; };
  info.make = [](const Options& r, std::string* error) {
    QueueState s;
    s.topic = r.at("topic").get<std::string>();
    s.group = r.at("group").get<std::string>();
    s.partitions = r.at("partitions").get<int>();
    if (s.topic.empty() || s.group.empty()) {
      *error = "topic, group: expected non-empty names";
      return std::unique_ptr<Workload>();
    }
    return std::unique_ptr<Workload>(std::make_unique<QueueWorkload>(std::move(s)));
  };
  return info;
}

}  // namespace fl::workloads
