#include "sim/kafka/kafka_state.h"

#include <algorithm>

#include "system/io/assert.h"
#include "system/io/random.h"

namespace fl::sim::kafka {

io::Status KafkaState::create_topic(const std::string& topic, int partitions) {
  if (topic.empty() || partitions < 1 || partitions > io::kMaxPartitions) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "bad topic or partition count");
  }
  auto it = topics_.find(topic);
  if (it != topics_.end()) {
    if (static_cast<int>(it->second.size()) == partitions) return io::Status::ok();
    return io::Status::failed(io::ErrorKind::kConstraint,
                              "topic " + topic + " exists with another partition count");
  }
  topics_[topic].resize(static_cast<std::size_t>(partitions));
  return io::Status::ok();
}

int KafkaState::partitions(const std::string& topic) const {
  auto it = topics_.find(topic);
  return it == topics_.end() ? 0 : static_cast<int>(it->second.size());
}

int KafkaState::partition_for(const std::string& key, int partitions) {
  FL_ASSERT(partitions > 0);
  return static_cast<int>(io::hash_bytes(key) % static_cast<std::uint64_t>(partitions));
}

io::Result<io::ProducedAt> KafkaState::append(const std::string& topic, int partition,
                                              const std::string& key, const std::string& value,
                                              std::uint64_t producer_id, std::uint64_t seq) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 || partition >= static_cast<int>(it->second.size())) {
    return io::Status::failed(io::ErrorKind::kNotFound, "unknown topic or partition");
  }
  Partition& p = it->second[static_cast<std::size_t>(partition)];
  if (seq != 0) {
    auto last = p.last_seq.find(producer_id);
    if (last != p.last_seq.end() && seq <= last->second.first) {
      // A retry of something already appended: answer with its offset, append nothing.
      if (seq == last->second.first) return io::ProducedAt{partition, last->second.second};
      return io::Status::failed(io::ErrorKind::kInvalidArgument, "out of order sequence");
    }
  }
  FL_ASSERT_LT(p.records.size(), kMaxRecordsPerPartition);
  const auto offset = static_cast<std::int64_t>(p.records.size());
  p.records.push_back(io::EventRecord{topic, partition, offset, key, value});
  if (seq != 0) p.last_seq[producer_id] = {seq, offset};
  return io::ProducedAt{partition, offset};
}

std::vector<io::EventRecord> KafkaState::fetch(const io::TopicPartition& tp, std::int64_t from,
                                               std::size_t max) const {
  std::vector<io::EventRecord> out;
  auto it = topics_.find(tp.topic);
  if (it == topics_.end() || tp.partition < 0 ||
      tp.partition >= static_cast<int>(it->second.size())) {
    return out;
  }
  const auto& records = it->second[static_cast<std::size_t>(tp.partition)].records;
  for (auto i = static_cast<std::size_t>(std::max<std::int64_t>(from, 0));
       i < records.size() && out.size() < max; ++i) {
    out.push_back(records[i]);
  }
  return out;
}

std::int64_t KafkaState::end_offset(const io::TopicPartition& tp) const {
  auto it = topics_.find(tp.topic);
  if (it == topics_.end() || tp.partition < 0 ||
      tp.partition >= static_cast<int>(it->second.size())) {
    return 0;
  }
  return static_cast<std::int64_t>(
      it->second[static_cast<std::size_t>(tp.partition)].records.size());
}

void KafkaState::rebalance(Group& g) {
  g.generation = ++generations_;
  g.assignment.clear();
  // Per topic, its partitions dealt round-robin over the members subscribed to it (in member
  // id order): a deterministic range-like assignor.
  std::set<std::string> topics;
  for (const auto& [id, m] : g.members) topics.insert(m.topics.begin(), m.topics.end());
  for (const auto& topic : topics) {
    std::vector<const std::string*> candidates;
    for (const auto& [id, m] : g.members) {
      if (std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end()) {
        candidates.push_back(&id);
      }
    }
    const int n = partitions(topic);
    for (int p = 0; p < n && !candidates.empty(); ++p) {
      const std::string& owner = *candidates[static_cast<std::size_t>(p) % candidates.size()];
      g.assignment[owner].push_back(io::TopicPartition{topic, p});
    }
  }
}

Membership KafkaState::heartbeat(const std::string& group, const std::string& member,
                                 const std::vector<std::string>& topics, std::int64_t now_ns) {
  Group& g = groups_[group];
  bool changed = false;
  for (auto it = g.members.begin(); it != g.members.end();) {
    if (it->first != member && now_ns - it->second.last_seen_ns > session_timeout_ns_) {
      it = g.members.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  auto [it, joined] = g.members.try_emplace(member);
  FL_ASSERT_LE(g.members.size(), kMaxMembers);
  it->second.topics = topics;
  it->second.last_seen_ns = now_ns;
  if (joined || changed) rebalance(g);
  Membership out;
  out.generation = g.generation;
  out.assignment = g.assignment[member];
  std::sort(out.assignment.begin(), out.assignment.end());
  return out;
}

std::int64_t KafkaState::committed(const std::string& group, const io::TopicPartition& tp) const {
  auto g = groups_.find(group);
  if (g == groups_.end()) return 0;
  auto c = g->second.committed.find(tp);
  return c == g->second.committed.end() ? 0 : c->second;
}

io::Status KafkaState::commit(const std::string& group, const std::string& member,
                              std::uint64_t generation,
                              const std::map<io::TopicPartition, std::int64_t>& offsets) {
  auto g = groups_.find(group);
  if (g == groups_.end() || g->second.generation != generation ||
      !g->second.members.count(member)) {
    return io::Status::failed(io::ErrorKind::kUnavailable,
                              "rebalance in progress: illegal generation", true);
  }
  const auto& mine = g->second.assignment[member];
  for (const auto& [tp, offset] : offsets) {
    if (std::find(mine.begin(), mine.end(), tp) == mine.end()) {
      return io::Status::failed(io::ErrorKind::kUnavailable,
                                "partition " + tp.topic + "/" + std::to_string(tp.partition) +
                                    " is not assigned to this member",
                                true);
    }
  }
  for (const auto& [tp, offset] : offsets) g->second.committed[tp] = offset;
  return io::Status::ok();
}

void KafkaState::forget_members() {
  for (auto& [name, g] : groups_) {
    g.members.clear();
    g.assignment.clear();
    g.generation = ++generations_;
  }
}

}  // namespace fl::sim::kafka
