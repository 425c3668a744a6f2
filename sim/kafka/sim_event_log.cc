#include "sim/kafka/sim_event_log.h"

#include "system/io/assert.h"

namespace fl::sim::kafka {

KafkaBroker::KafkaBroker(Simulator* sim, const std::string& name, KafkaOptions options)
    : sim_(sim), options_(options), state_(options.session_timeout_ns) {
  node_ = sim_->add_node(name, [this](io::Env& env) {
    if (env.tasks.incarnation() > 1) {
      state_.forget_members();
      sim_->trace().note(sim_->now_ns(), "kafka broker restarted: groups rebalance");
    }
    wake();
  });
}

void KafkaBroker::wake() {
  std::vector<FiberRef> waiters;
  waiters.swap(waiters_);
  for (const FiberRef& w : waiters) sim_->unpark(w);
}

SimEventLog::SimEventLog(KafkaBroker* broker, int client_node, io::Clock* clock,
                         std::string client_id, io::Random random)
    : broker_(broker),
      clock_(clock),
      link_(broker->sim(), client_node, broker->node(), random.fork("link"),
            broker->options().link),
      random_(random),
      client_id_(std::move(client_id)) {
  FL_ASSERT(clock_ != nullptr);
}

template <typename F>
bool SimEventLog::exchange(std::int64_t deadline_ns, bool* sent, F&& at_broker) {
  Simulator* sim = broker_->sim();
  *sent = false;
  sim->check_alive();
  if (!link_.reachable()) return false;
  const std::uint64_t incarnation = sim->incarnation(broker_->node());
  if (!link_.leg(incarnation, true, deadline_ns)) return false;
  *sent = true;
  at_broker();
  return link_.leg(incarnation, false, deadline_ns);
}

io::Status SimEventLog::create_topic(const std::string& topic, int partitions) {
  const std::int64_t deadline = broker_->sim()->now_ns() + broker_->options().delivery_timeout_ns;
  io::Status result = io::Status::ok();
  bool sent = false;
  if (exchange(deadline, &sent,
               [&] { result = broker_->state().create_topic(topic, partitions); })) {
    return result;
  }
  if (sent) return io::Status::indeterminate(io::ErrorKind::kConnectionLost, "reply lost");
  return io::Status::failed(io::ErrorKind::kConnectionLost, "broker unreachable", true);
}

io::Result<io::ProducedAt> SimEventLog::produce(const std::string& topic, const std::string& key,
                                                const std::string& value) {
  Simulator* sim = broker_->sim();
  sim->check_alive();
  if (key.size() + value.size() > io::kMaxEventBytes) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "record too large");
  }
  // Metadata (partition counts) is cached by clients; topics never change their count here.
  const int parts = broker_->state().partitions(topic);
  if (parts == 0) return io::Status::failed(io::ErrorKind::kNotFound, "unknown topic " + topic);
  const int partition = KafkaState::partition_for(key, parts);
  const bool idempotent = broker_->options().idempotent_producer;
  if (idempotent && producer_id_ == 0) producer_id_ = broker_->state().new_producer_id();
  const std::uint64_t seq = idempotent ? ++seq_[io::TopicPartition{topic, partition}] : 0;
  const std::int64_t deadline = sim->now_ns() + broker_->options().delivery_timeout_ns;
  bool maybe_sent = false;
  for (int attempt = 0; attempt < broker_->options().max_produce_attempts; ++attempt) {
    if (sim->now_ns() >= deadline) break;
    io::Result<io::ProducedAt> result = io::Status::failed(io::ErrorKind::kInternal, "no answer");
    bool sent = false;
    const bool answered = exchange(deadline, &sent, [&] {
      result = broker_->state().append(topic, partition, key, value, producer_id_, seq);
      if (result.is_ok()) broker_->wake();
    });
    maybe_sent = maybe_sent || sent;
    if (answered) return result;
    sim->sleep_until(std::min(deadline, sim->now_ns() + random_.between(10, 100) * io::kNsPerMs));
  }
  if (maybe_sent) {
    return io::Status::indeterminate(io::ErrorKind::kTimeout,
                                     "produce not acknowledged within the delivery timeout");
  }
  return io::Status::failed(io::ErrorKind::kConnectionLost, "broker unreachable", true);
}

io::Status SimEventLog::subscribe(const std::string& group,
                                  const std::vector<std::string>& topics) {
  if (!group_.empty()) return io::Status::failed(io::ErrorKind::kInvalidArgument, "subscribed");
  if (group.empty() || topics.empty()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "empty group or topics");
  }
  group_ = group;
  topics_ = topics;
  return io::Status::ok();
}

io::Result<std::vector<io::EventRecord>> SimEventLog::poll(std::size_t max_records,
                                                           io::Deadline deadline) {
  using R = io::Result<std::vector<io::EventRecord>>;
  Simulator* sim = broker_->sim();
  if (group_.empty()) return io::Status::failed(io::ErrorKind::kInvalidArgument, "not subscribed");
  const std::int64_t until = sim->now_ns() + clock_->remaining_ns(deadline);
  constexpr int kMaxRounds = 100000;
  constexpr std::int64_t kHeartbeatNs = io::kNsPerSec;
  for (int round = 0; round < kMaxRounds; ++round) {
    Membership m;
    std::map<io::TopicPartition, std::int64_t> positions;
    std::vector<io::EventRecord> out;
    bool sent = false;
    const bool answered = exchange(until + kHeartbeatNs, &sent, [&] {
      KafkaState& st = broker_->state();
      m = st.heartbeat(group_, client_id_, topics_, sim->now_ns());
      for (const auto& tp : m.assignment) {
        auto known = position_.find(tp);
        std::int64_t pos = (m.generation == generation_ && known != position_.end())
                               ? known->second
                               : st.committed(group_, tp);
        auto records = st.fetch(tp, pos, max_records - out.size());
        if (!records.empty()) pos = records.back().offset + 1;
        positions[tp] = pos;
        out.insert(out.end(), records.begin(), records.end());
      }
      if (!out.empty() && broker_->options().bug_commit_before_processing) {
        // The broken mode: the offsets past these records are committed as they are fetched,
        // before the consumer has even received them (a lost reply loses the records).
        (void)st.commit(group_, client_id_, m.generation, positions);
      }
    });
    if (!answered)
      return R(io::Status::failed(io::ErrorKind::kConnectionLost, "broker lost", true));
    generation_ = m.generation;
    assignment_ = m.assignment;
    position_ = std::move(positions);
    if (!out.empty() || sim->now_ns() >= until) return R(std::move(out));
    broker_->add_waiter(sim->current_ref());
    sim->park("kafka records", std::min(until, sim->now_ns() + kHeartbeatNs));
  }
  return R(std::vector<io::EventRecord>{});
}

io::Status SimEventLog::commit(const std::map<io::TopicPartition, std::int64_t>& next_offsets) {
  if (group_.empty()) return io::Status::failed(io::ErrorKind::kInvalidArgument, "not subscribed");
  const std::int64_t deadline = broker_->sim()->now_ns() + broker_->options().delivery_timeout_ns;
  io::Status result = io::Status::ok();
  bool sent = false;
  if (exchange(deadline, &sent, [&] {
        result = broker_->state().commit(group_, client_id_, generation_, next_offsets);
      })) {
    return result;
  }
  if (sent) return io::Status::indeterminate(io::ErrorKind::kConnectionLost, "commit reply lost");
  return io::Status::failed(io::ErrorKind::kConnectionLost, "broker unreachable", true);
}

}  // namespace fl::sim::kafka
