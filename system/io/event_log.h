// EventLog: Kafka behind the seam. Topics with partitions, keyed produce through an idempotent
// producer, and consumer groups with poll and offset commits. Delivery is at least once.
//
// Contract (what callers may rely on, and no more):
//  - produce(): ok means the record is in the log at the returned partition and offset; records
//    with the same key go to the same partition and keep their produce order there. With the
//    idempotent producer (the default) internal retries never duplicate a record; an
//    indeterminate result means it may or may not be in the log (and a caller's own retry may
//    duplicate it: deduplicate downstream by a key of your own).
//  - A consumer group divides each topic's partitions among its live members. A member that stops
//    polling for the session timeout, or crashes, loses its partitions to the others
//    (a rebalance). A member starts each newly assigned partition at the group's committed
//    offset: records after the last commit are delivered again (redelivery), so processing must
//    be idempotent. Within a partition records arrive in offset order.
//  - commit() stores next-offsets for partitions this member owns; it fails (retryable) if a
//    rebalance has taken them away.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "system/io/clock.h"
#include "system/io/status.h"

namespace fl::io {

constexpr std::size_t kMaxEventBytes = 1 << 20;
constexpr int kMaxPartitions = 256;

struct TopicPartition {
  std::string topic;
  int partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct EventRecord {
  std::string topic;
  int partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
};

struct ProducedAt {
  int partition = 0;
  std::int64_t offset = 0;
};

class EventLog {
 public:
  EventLog() = default;
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  virtual ~EventLog() = default;

  // Creates the topic if it does not exist (same partition count: ok; another: kConstraint).
  virtual Status create_topic(const std::string& topic, int partitions) = 0;
  virtual Result<ProducedAt> produce(const std::string& topic, const std::string& key,
                                     const std::string& value) = 0;
  // Makes this instance a member of `group` consuming `topics` (once per instance).
  virtual Status subscribe(const std::string& group, const std::vector<std::string>& topics) = 0;
  // Up to max_records records from the partitions this member owns, waiting until the deadline
  // for some to arrive. Also the member's heartbeat.
  virtual Result<std::vector<EventRecord>> poll(std::size_t max_records, Deadline deadline) = 0;
  virtual Status commit(const std::map<TopicPartition, std::int64_t>& next_offsets) = 0;
  // Whether this member has joined its group: a poll() since subscribe() has been given the
  // group's assignment (possibly empty: a group may have more members than partitions). True
  // when it never subscribed (there is nothing to join). Never blocks: readiness probes ask it.
  virtual bool joined() const = 0;
};

}  // namespace fl::io
