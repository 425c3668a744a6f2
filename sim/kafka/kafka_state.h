// KafkaState: the broker side of the simulated Kafka (one broker). Pure logic; time is passed in.
//
// Fault model: the partition logs and the groups' committed offsets are durable (acks=all on a
// broker that survives its own restarts); group membership is volatile and rebuilt by the
// members' next heartbeats after a broker restart. Idempotent producers (producer id + sequence
// number per partition) are deduplicated; a producer without idempotence (sequence 0) is not,
// so its retries duplicate records.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "system/io/event_log.h"

namespace fl::sim::kafka {

struct Membership {
  std::uint64_t generation = 0;
  std::vector<io::TopicPartition> assignment;  // sorted
};

class KafkaState {
 public:
  static constexpr std::size_t kMaxRecordsPerPartition = 1 << 20;
  static constexpr std::size_t kMaxMembers = 256;

  explicit KafkaState(std::int64_t session_timeout_ns) : session_timeout_ns_(session_timeout_ns) {}

  io::Status create_topic(const std::string& topic, int partitions);
  int partitions(const std::string& topic) const;  // 0: no such topic
  static int partition_for(const std::string& key, int partitions);
  std::uint64_t new_producer_id() { return ++last_producer_id_; }
  // seq 0: not idempotent. Otherwise a sequence already appended returns its original offset.
  io::Result<io::ProducedAt> append(const std::string& topic, int partition, const std::string& key,
                                    const std::string& value, std::uint64_t producer_id,
                                    std::uint64_t seq);
  std::vector<io::EventRecord> fetch(const io::TopicPartition& tp, std::int64_t from,
                                     std::size_t max) const;
  std::int64_t end_offset(const io::TopicPartition& tp) const;

  // Joins or refreshes `member`; expires silent members; rebalances on any change.
  Membership heartbeat(const std::string& group, const std::string& member,
                       const std::vector<std::string>& topics, std::int64_t now_ns);
  std::int64_t committed(const std::string& group, const io::TopicPartition& tp) const;
  io::Status commit(const std::string& group, const std::string& member, std::uint64_t generation,
                    const std::map<io::TopicPartition, std::int64_t>& offsets);
  // The broker restarted: memberships are gone (offsets and logs stay).
  void forget_members();

 private:
  struct Partition {
    std::vector<io::EventRecord> records;
    std::map<std::uint64_t, std::pair<std::uint64_t, std::int64_t>> last_seq;  // pid -> seq, offset
  };
  struct Member {
    std::vector<std::string> topics;
    std::int64_t last_seen_ns = 0;
  };
  struct Group {
    std::map<std::string, Member> members;
    std::map<std::string, std::vector<io::TopicPartition>> assignment;
    std::map<io::TopicPartition, std::int64_t> committed;
    std::uint64_t generation = 0;
  };
  void rebalance(Group& g);

  std::int64_t session_timeout_ns_;
  std::map<std::string, std::vector<Partition>> topics_;
  std::map<std::string, Group> groups_;
  std::uint64_t last_producer_id_ = 0;
  std::uint64_t generations_ = 0;  // durable, so generations never repeat across restarts
};

}  // namespace fl::sim::kafka
