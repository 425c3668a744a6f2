// KafkaLog: io::EventLog on Kafka through librdkafka, bridged into the fiber runtime without
// blocking it: librdkafka's own threads do the network IO, and fibers serve its queues with
// zero-timeout polls between short fiber sleeps (never a blocking poll, never a synchronous
// commit). The producer is idempotent (enable.idempotence); a delivery report decides the
// outcome: persisted -> ok, not persisted -> failed (retryable), possibly persisted ->
// indeterminate. The consumer commits explicitly (enable.auto.commit=false) and starts a new
// group at the earliest offset.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "system/io/event_log.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace fl::real {

// librdkafka's log_level for every client and mock cluster we create: FL_KAFKA_LOG_LEVEL (0-7)
// or 2 (critical). Its level-3 lines are mostly "connect refused" while a nemesis holds brokers
// down, which our own results already report; at 3 they flooded test output.
const char* kafka_log_level();

// The consumers' fetch.wait.max.ms: FL_KAFKA_FETCH_WAIT_MS if it is an integer in
// 1..kMaxFetchWaitMs, else kDefaultFetchWaitMs (librdkafka's own default is 500); a value that
// is set but not such an integer is reported on stderr (once per process) and ignored. A Kafka
// broker answers a fetch as soon as a record arrives, so a short wait only adds idle fetch
// requests; librdkafka's mock cluster answers only when the wait is over, and at 500 ms each hop of
// a saga message (relay -> consumer) cost up to half a second: 2-2.5 s per saga instead of ~0.14 s.
constexpr int kDefaultFetchWaitMs = 10;
constexpr int kMaxFetchWaitMs = 500;
// An integer in 1..kMaxFetchWaitMs, or nullopt (also for null).
std::optional<int> parse_fetch_wait_ms(const char* text);
int kafka_fetch_wait_ms();  // from FL_KAFKA_FETCH_WAIT_MS, by the rule above

struct KafkaOptions {
  std::string brokers;  // bootstrap.servers, e.g. KAFKA_BROKERS
  std::string client_id = "faultline";
  int session_timeout_ms = 6000;
  int delivery_timeout_ms = 10000;
  int fetch_wait_max_ms = kafka_fetch_wait_ms();
  // Creates topics instead of the Admin API when set. librdkafka 2.0.2's mock cluster does not
  // answer CreateTopics, so tests against it pass KafkaMockCluster::create_topic here.
  std::function<io::Status(const std::string& topic, int partitions)> create_topic_via;
};

class KafkaLog final : public io::EventLog {
 public:
  static constexpr std::int64_t kPollSleepNs = 1000 * 1000;

  explicit KafkaLog(KafkaOptions options);
  ~KafkaLog() override;

  io::Status create_topic(const std::string& topic, int partitions) override;
  io::Result<io::ProducedAt> produce(const std::string& topic, const std::string& key,
                                     const std::string& value) override;
  io::Status subscribe(const std::string& group, const std::vector<std::string>& topics) override;
  io::Result<std::vector<io::EventRecord>> poll(std::size_t max_records,
                                                io::Deadline deadline) override;
  io::Status commit(const std::map<io::TopicPartition, std::int64_t>& next_offsets) override;
  bool joined() const override { return consumer_ == nullptr || joined_; }

  // Leaves the consumer group at once (a LeaveGroup, so the broker reassigns this member's
  // partitions now rather than after session.timeout.ms): for a draining process (SIGTERM).
  // Offsets are not committed here: the application commits after each batch it handled, and
  // a batch in flight when this is called is redelivered to the next member (the consumers are
  // idempotent). Waits (bounded, kLeaveWaitNs) for a poll or commit in progress on another fiber
  // to return; afterwards poll and commit fail "closed". Returns false if it could not leave in
  // time (the group then notices the session timeout). Idempotent.
  bool leave_group();
  static constexpr std::int64_t kLeaveWaitNs = 5'000'000'000;

 private:
  io::Result<rd_kafka_t*> producer();
  // CreateTopics (or options_.create_topic_via); create_topic adds the producer's metadata.
  io::Status create_topic_once(const std::string& topic, int partitions);
  void close_consumer();

  KafkaOptions options_;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_t* consumer_ = nullptr;
  bool joined_ = false;   // set by the rebalance callback (kafka_log.cc) on the first assignment
  bool closing_ = false;  // leave_group() began: no new poll or commit
  int in_use_ = 0;        // polls and commits in progress (fibers of this thread)
};

// An in-process librdkafka mock cluster (real Kafka protocol over loopback) for tests.
class KafkaMockCluster {
 public:
  explicit KafkaMockCluster(int brokers = 1);
  ~KafkaMockCluster();
  const std::string& bootstraps() const { return bootstraps_; }
  io::Status create_topic(const std::string& topic, int partitions);

 private:
  rd_kafka_t* handle_ = nullptr;
  std::string bootstraps_;
};

}  // namespace fl::real
