#include "real/kafka_log.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include "real/fd_wait.h"
#include "real/node_runtime.h"
#include "system/io/assert.h"

namespace fl::real {
namespace {

// One produce's delivery report. Heap-allocated: when produce() stops waiting before the report
// arrives (an outage longer than the wait), it marks the record abandoned and the report, served
// later by some rd_kafka_poll on this thread, frees it instead of writing into a dead frame.
struct Delivery {
  bool done = false;
  bool abandoned = false;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_msg_status_t status = RD_KAFKA_MSG_STATUS_NOT_PERSISTED;
  int partition = 0;
  std::int64_t offset = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* d = static_cast<Delivery*>(m->_private);
  if (d->abandoned) {
    delete d;
    return;
  }
  d->err = m->err;
  d->status = rd_kafka_message_status(m);
  d->partition = m->partition;
  d->offset = m->offset;
  d->done = true;
}

}  // namespace

const char* kafka_log_level() {
  const char* env = std::getenv("FL_KAFKA_LOG_LEVEL");
  if (env != nullptr && env[0] >= '0' && env[0] <= '7' && env[1] == '\0') return env;
  return "2";
}

std::optional<int> parse_fetch_wait_ms(const char* text) {
  if (text == nullptr || text[0] == '\0' || std::strlen(text) > 3) return std::nullopt;
  int ms = 0;
  for (const char* c = text; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9') return std::nullopt;
    ms = ms * 10 + (*c - '0');
  }
  if (ms < 1 || ms > kMaxFetchWaitMs) return std::nullopt;
  return ms;
}

int kafka_fetch_wait_ms() {
  const char* env = std::getenv("FL_KAFKA_FETCH_WAIT_MS");
  if (env == nullptr) return kDefaultFetchWaitMs;
  if (const auto ms = parse_fetch_wait_ms(env)) return *ms;
  static bool warned = false;  // once per process: KafkaOptions are built per client
  if (!warned) {
    warned = true;
    std::fprintf(stderr,
                 "faultline: FL_KAFKA_FETCH_WAIT_MS='%s' is not an integer in 1..%d; using %d\n",
                 env, kMaxFetchWaitMs, kDefaultFetchWaitMs);
  }
  return kDefaultFetchWaitMs;
}

namespace {

rd_kafka_conf_t* base_conf(const KafkaOptions& o, std::string* error) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  const std::map<std::string, std::string> settings = {
      {"bootstrap.servers", o.brokers},
      {"client.id", o.client_id},
      {"log_level", kafka_log_level()},
  };
  // FL_KAFKA_DEBUG: librdkafka's debug contexts (e.g. "cgrp,fetch") for an operator chasing a
  // slow consumer; its lines go to stderr at log level 7 (FL_KAFKA_LOG_LEVEL=7).
  const char* debug = std::getenv("FL_KAFKA_DEBUG");
  if (debug != nullptr && debug[0] != '\0' &&
      rd_kafka_conf_set(conf, "debug", debug, err, sizeof err) != RD_KAFKA_CONF_OK) {
    *error = std::string("FL_KAFKA_DEBUG: ") + err;
    rd_kafka_conf_destroy(conf);
    return nullptr;
  }
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      *error = err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  return conf;
}

bool set(rd_kafka_conf_t* conf, const char* k, const std::string& v) {
  char err[512];
  return rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK;
}

void fiber_sleep() {
  RealClock clock;
  clock.sleep_ns(KafkaLog::kPollSleepNs);
}

}  // namespace

KafkaLog::KafkaLog(KafkaOptions options) : options_(std::move(options)) {}

KafkaLog::~KafkaLog() {
  close_consumer();
  if (producer_ != nullptr) {
    // Outstanding deliveries were awaited by produce(); nothing is left to flush.
    rd_kafka_destroy(producer_);
  }
}

namespace {

// Counts a poll or commit in progress, for leave_group.
class InUse {
 public:
  explicit InUse(int& n) : n_(n) { ++n_; }
  ~InUse() { --n_; }
  InUse(const InUse&) = delete;
  InUse& operator=(const InUse&) = delete;

 private:
  int& n_;
};

}  // namespace

bool KafkaLog::leave_group() {
  if (consumer_ == nullptr) return true;
  closing_ = true;
  const std::int64_t deadline = steady_now_ns() + kLeaveWaitNs;
  while (in_use_ > 0 && steady_now_ns() < deadline) fiber_sleep();
  if (in_use_ > 0) return false;  // a fiber still holds the consumer: destroying it is unsafe
  close_consumer();
  return true;
}

void KafkaLog::close_consumer() {
  if (consumer_ == nullptr) return;
  FL_ASSERT_EQ(in_use_, 0);
  rd_kafka_queue_t* q = rd_kafka_queue_new(consumer_);
  rd_kafka_error_t* e = rd_kafka_consumer_close_queue(consumer_, q);
  if (e != nullptr) rd_kafka_error_destroy(e);
  constexpr int kMaxPolls = 20000;
  const std::int64_t deadline = steady_now_ns() + kLeaveWaitNs;
  for (int i = 0;
       i < kMaxPolls && !rd_kafka_consumer_closed(consumer_) && steady_now_ns() < deadline; ++i) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 0);
    if (ev == nullptr) {
      fiber_sleep();
      continue;
    }
    // With a rebalance callback configured, closing delivers the revocation as an event that the
    // application must answer (the callback is not called here), or the close never ends.
    if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE) rd_kafka_assign(consumer_, nullptr);
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(consumer_);
  consumer_ = nullptr;
}

io::Result<rd_kafka_t*> KafkaLog::producer() {
  if (producer_ != nullptr) return producer_;
  std::string error;
  rd_kafka_conf_t* conf = base_conf(options_, &error);
  if (conf == nullptr) return io::Status::failed(io::ErrorKind::kInvalidArgument, error);
  set(conf, "enable.idempotence", "true");
  set(conf, "linger.ms", "0");
  set(conf, "delivery.timeout.ms", std::to_string(options_.delivery_timeout_ms));
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char err[512];
  producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (producer_ == nullptr) return io::Status::failed(io::ErrorKind::kInvalidArgument, err);
  return producer_;
}

namespace {

constexpr int kWarmMetadataTimeoutMs = 2000;

// Loads `topic`'s partitions and leaders into the producer's metadata cache. Without it the
// first produce to a topic waits for librdkafka's once-a-second scan of unknown topics (measured:
// 0.6-1 s per topic, so a cold service's first saga took 3-4 s over its six hops). Best effort:
// a failure only leaves the first produce slower. rd_kafka_metadata blocks, so it runs on a
// thread of its own while the calling fiber sleeps (bounded by kWarmMetadataTimeoutMs).
void warm_producer_metadata(rd_kafka_t* producer, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer, topic.c_str(), nullptr);
  if (rkt == nullptr) return;
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread worker([producer, rkt, done] {
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(producer, 0, rkt, &md, kWarmMetadataTimeoutMs) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        md != nullptr) {
      rd_kafka_metadata_destroy(md);
    }
    done->store(true);
  });
  while (!done->load()) fiber_sleep();
  worker.join();
  rd_kafka_topic_destroy(rkt);
}

}  // namespace

io::Status KafkaLog::create_topic(const std::string& topic, int partitions) {
  if (topic.empty() || partitions < 1 || partitions > io::kMaxPartitions) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "bad topic or partition count");
  }
  io::Status created = create_topic_once(topic, partitions);
  if (created.is_ok()) {
    if (auto p = producer(); p.is_ok()) warm_producer_metadata(p.value(), topic);
  }
  return created;
}

io::Status KafkaLog::create_topic_once(const std::string& topic, int partitions) {
  if (options_.create_topic_via) return options_.create_topic_via(topic, partitions);
  auto p = producer();
  if (!p.is_ok()) return p.status();
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  if (nt == nullptr) return io::Status::failed(io::ErrorKind::kInvalidArgument, err);
  rd_kafka_queue_t* q = rd_kafka_queue_new(p.value());
  rd_kafka_CreateTopics(p.value(), &nt, 1, nullptr, q);
  rd_kafka_NewTopic_destroy(nt);
  io::Status status = io::Status::indeterminate(io::ErrorKind::kTimeout, "no CreateTopics result");
  const std::int64_t deadline = steady_now_ns() + options_.delivery_timeout_ms * 1000000LL;
  while (steady_now_ns() < deadline) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 0);
    if (ev == nullptr) {
      fiber_sleep();
      continue;
    }
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        res ? rd_kafka_CreateTopics_result_topics(res, &n) : nullptr;
    const rd_kafka_resp_err_t e =
        n > 0 ? rd_kafka_topic_result_error(results[0]) : rd_kafka_event_error(ev);
    status = (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                 ? io::Status::ok()
                 : io::Status::failed(io::ErrorKind::kInvalidArgument, rd_kafka_err2str(e));
    rd_kafka_event_destroy(ev);
    break;
  }
  rd_kafka_queue_destroy(q);
  return status;
}

io::Result<io::ProducedAt> KafkaLog::produce(const std::string& topic, const std::string& key,
                                             const std::string& value) {
  if (key.size() + value.size() > io::kMaxEventBytes) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "record too large");
  }
  auto p = producer();
  if (!p.is_ok()) return p.status();
  auto owned = std::make_unique<Delivery>();
  const rd_kafka_resp_err_t e = rd_kafka_producev(
      p.value(), RD_KAFKA_V_TOPIC(topic.c_str()),
      RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(owned.get()), RD_KAFKA_V_END);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return io::Status::failed(io::ErrorKind::kUnavailable, rd_kafka_err2str(e), true);
  }
  // The delivery report should arrive within delivery.timeout.ms; wait a little longer.
  const std::int64_t limit = steady_now_ns() + (options_.delivery_timeout_ms + 5000) * 1000000LL;
  while (!owned->done && steady_now_ns() < limit) {
    if (rd_kafka_poll(p.value(), 0) == 0) fiber_sleep();
  }
  if (!owned->done) {
    // The record may still be delivered: the report will free it (see Delivery).
    owned.release()->abandoned = true;
    return io::Status::indeterminate(io::ErrorKind::kTimeout, "no delivery report in time");
  }
  const Delivery d = *owned;
  if (d.status == RD_KAFKA_MSG_STATUS_PERSISTED && d.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    return io::ProducedAt{d.partition, d.offset};
  }
  if (d.status == RD_KAFKA_MSG_STATUS_NOT_PERSISTED) {
    return io::Status::failed(io::ErrorKind::kUnavailable, rd_kafka_err2str(d.err), true);
  }
  return io::Status::indeterminate(io::ErrorKind::kTimeout, rd_kafka_err2str(d.err));
}

namespace {

// librdkafka's rebalance callback (runs inside rd_kafka_consumer_poll, on the polling fiber):
// applies the assignment and notes (in the bool that `opaque` points to) that the group was
// joined.
void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                  rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, partitions);
    *static_cast<bool*>(opaque) = true;
  } else {
    rd_kafka_assign(rk, nullptr);  // revoked: a new assignment follows
  }
}

}  // namespace

io::Status KafkaLog::subscribe(const std::string& group, const std::vector<std::string>& topics) {
  if (consumer_ != nullptr)
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "subscribed");
  if (group.empty() || topics.empty()) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "empty group or topics");
  }
  if (options_.fetch_wait_max_ms < 1 || options_.fetch_wait_max_ms > kMaxFetchWaitMs) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "fetch_wait_max_ms must be in 1.." + std::to_string(kMaxFetchWaitMs));
  }
  std::string error;
  rd_kafka_conf_t* conf = base_conf(options_, &error);
  if (conf == nullptr) return io::Status::failed(io::ErrorKind::kInvalidArgument, error);
  set(conf, "group.id", group);
  set(conf, "enable.auto.commit", "false");
  set(conf, "auto.offset.reset", "earliest");
  set(conf, "session.timeout.ms", std::to_string(options_.session_timeout_ms));
  set(conf, "heartbeat.interval.ms", "500");
  set(conf, "fetch.wait.max.ms", std::to_string(options_.fetch_wait_max_ms));
  rd_kafka_conf_set_opaque(conf, &joined_);
  rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
  char err[512];
  consumer_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (consumer_ == nullptr) return io::Status::failed(io::ErrorKind::kInvalidArgument, err);
  rd_kafka_poll_set_consumer(consumer_);
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list, t.c_str(), -1);
  const rd_kafka_resp_err_t e = rd_kafka_subscribe(consumer_, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, rd_kafka_err2str(e));
  }
  return io::Status::ok();
}

io::Result<std::vector<io::EventRecord>> KafkaLog::poll(std::size_t max_records,
                                                        io::Deadline deadline) {
  if (consumer_ == nullptr || closing_) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "not subscribed (or closed)");
  }
  InUse in_use(in_use_);
  std::vector<io::EventRecord> out;
  constexpr int kMaxRounds = 1000000;
  for (int i = 0; i < kMaxRounds && out.size() < max_records; ++i) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_, 0);
    if (m == nullptr) {
      if (!out.empty() || steady_now_ns() >= deadline.monotonic_ns) break;
      fiber_sleep();
      if (closing_) break;  // leave_group waits for this poll
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      io::EventRecord r;
      r.topic = rd_kafka_topic_name(m->rkt);
      r.partition = m->partition;
      r.offset = m->offset;
      if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) r.value.assign(static_cast<const char*>(m->payload), m->len);
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  return out;
}

io::Status KafkaLog::commit(const std::map<io::TopicPartition, std::int64_t>& next_offsets) {
  if (consumer_ == nullptr || closing_) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "not subscribed (or closed)");
  }
  if (next_offsets.empty()) return io::Status::ok();
  InUse in_use(in_use_);
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size()));
  for (const auto& [tp, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(consumer_);
  const rd_kafka_resp_err_t e = rd_kafka_commit_queue(consumer_, list, q, nullptr, nullptr);
  rd_kafka_topic_partition_list_destroy(list);
  io::Status status = io::Status::indeterminate(io::ErrorKind::kTimeout, "no commit result");
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = io::Status::failed(io::ErrorKind::kUnavailable, rd_kafka_err2str(e), true);
  }
  const std::int64_t deadline = steady_now_ns() + options_.delivery_timeout_ms * 1000000LL;
  while (e == RD_KAFKA_RESP_ERR_NO_ERROR && steady_now_ns() < deadline) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 0);
    if (ev == nullptr) {
      fiber_sleep();
      continue;
    }
    const rd_kafka_resp_err_t ce = rd_kafka_event_error(ev);
    status = ce == RD_KAFKA_RESP_ERR_NO_ERROR
                 ? io::Status::ok()
                 : io::Status::failed(io::ErrorKind::kUnavailable, rd_kafka_err2str(ce), true);
    rd_kafka_event_destroy(ev);
    break;
  }
  rd_kafka_queue_destroy(q);
  return status;
}

KafkaMockCluster::KafkaMockCluster(int brokers) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  FL_ASSERT(rd_kafka_conf_set(conf, "test.mock.num.brokers", std::to_string(brokers).c_str(), err,
                              sizeof err) == RD_KAFKA_CONF_OK);
  set(conf, "log_level", kafka_log_level());
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  FL_ASSERT_MSG(handle_ != nullptr, err);
  rd_kafka_mock_cluster_t* mc = rd_kafka_handle_mock_cluster(handle_);
  FL_ASSERT(mc != nullptr);
  bootstraps_ = rd_kafka_mock_cluster_bootstraps(mc);
}

io::Status KafkaMockCluster::create_topic(const std::string& topic, int partitions) {
  const rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(rd_kafka_handle_mock_cluster(handle_),
                                                           topic.c_str(), partitions, 1);
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return io::Status::ok();
  }
  return io::Status::failed(io::ErrorKind::kInvalidArgument, rd_kafka_err2str(e));
}

KafkaMockCluster::~KafkaMockCluster() {
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

}  // namespace fl::real
