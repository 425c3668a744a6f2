// KafkaBroker and SimEventLog: a simulated single-broker Kafka reachable over the simulated
// network, and a client node's io::EventLog on it.
//
// Fault model (beyond KafkaState's): a request whose connection breaks is retried by the
// producer within its delivery timeout (as librdkafka does); with the idempotent producer the
// broker drops the duplicates, without it (idempotent_producer = false) a retry after a lost
// acknowledgement appends the record again. A produce that never got an answer is indeterminate.
// A broker crash makes every member rejoin (a rebalance); a member that crashes is dropped after
// the session timeout and its partitions are redelivered from the last committed offsets.
#pragma once

#include <map>
#include <memory>

#include "sim/kafka/kafka_state.h"
#include "sim/service_link.h"

namespace fl::sim::kafka {

struct KafkaOptions {
  bool idempotent_producer = true;
  std::int64_t session_timeout_ns = 3 * io::kNsPerSec;
  std::int64_t delivery_timeout_ns = 5 * io::kNsPerSec;
  int max_produce_attempts = 8;
  LinkTiming link;
  // Deliberately broken mode, off by default: poll() commits the offsets past the records it
  // fetches, at the broker, before the application has received or processed them
  // (at-most-once: a poll whose reply is lost, or a consumer that crashes after a poll, loses
  // those records for the whole group).
  bool bug_commit_before_processing = false;
};

class KafkaBroker {
 public:
  KafkaBroker(Simulator* sim, const std::string& name, KafkaOptions options);
  int node() const { return node_; }
  Simulator* sim() const { return sim_; }
  const KafkaOptions& options() const { return options_; }
  KafkaState& state() { return state_; }
  // Consumers waiting for records park here; produce wakes them.
  void add_waiter(FiberRef ref) { waiters_.push_back(ref); }
  void wake();
  // Creates a topic from outside any client (set-up before run, or a harness fiber).
  io::Status create_topic(const std::string& topic, int partitions) {
    return state_.create_topic(topic, partitions);
  }

 private:
  Simulator* sim_;
  KafkaOptions options_;
  int node_;
  KafkaState state_;
  std::vector<FiberRef> waiters_;
};

class SimEventLog final : public io::EventLog {
 public:
  // `clock` is the client node's (for poll deadlines); `client_id` names the member and must be
  // unique per client incarnation.
  SimEventLog(KafkaBroker* broker, int client_node, io::Clock* clock, std::string client_id,
              io::Random random);

  io::Status create_topic(const std::string& topic, int partitions) override;
  io::Result<io::ProducedAt> produce(const std::string& topic, const std::string& key,
                                     const std::string& value) override;
  io::Status subscribe(const std::string& group, const std::vector<std::string>& topics) override;
  io::Result<std::vector<io::EventRecord>> poll(std::size_t max_records,
                                                io::Deadline deadline) override;
  io::Status commit(const std::map<io::TopicPartition, std::int64_t>& next_offsets) override;
  bool joined() const override { return group_.empty() || generation_ > 0; }

 private:
  // One request/response with the broker; false if the connection broke (then *sent says
  // whether the request may have reached it).
  template <typename F>
  bool exchange(std::int64_t deadline_ns, bool* sent, F&& at_broker);

  KafkaBroker* broker_;
  io::Clock* clock_;
  ServiceLink link_;
  io::Random random_;
  std::string client_id_;
  std::uint64_t producer_id_ = 0;
  std::map<io::TopicPartition, std::uint64_t> seq_;
  std::string group_;
  std::vector<std::string> topics_;
  std::uint64_t generation_ = 0;
  std::vector<io::TopicPartition> assignment_;
  std::map<io::TopicPartition, std::int64_t> position_;
};

}  // namespace fl::sim::kafka
