#include "serve/topics.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>
#include <thread>

#include "system/io/assert.h"

namespace fl::serve {
namespace {

constexpr std::int64_t kProbePollNs = 2 * io::kNsPerMs;

// The metadata request itself (blocking, on the probe's own thread).
io::Status metadata_check(const std::string& brokers, const std::string& topic, int partitions) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const char* settings[][2] = {{"bootstrap.servers", brokers.c_str()},
                               {"client.id", "faultline-topic-check"},
                               {"allow.auto.create.topics", "false"},
                               {"log_level", "3"}};
  for (const auto& kv : settings) {
    if (rd_kafka_conf_set(conf, kv[0], kv[1], err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return io::Status::failed(io::ErrorKind::kInvalidArgument, err);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) return io::Status::failed(io::ErrorKind::kInvalidArgument, err);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, kTopicMetadataTimeoutMs);
  io::Status status = io::Status::ok();
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = io::Status::failed(io::ErrorKind::kUnavailable,
                                std::string("kafka metadata: ") + rd_kafka_err2str(e), true);
  } else if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const rd_kafka_resp_err_t te =
        md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    status = io::Status::failed(io::ErrorKind::kInvalidArgument,
                                "topic " + topic + " is not provisioned: " + rd_kafka_err2str(te));
  } else if (md->topics[0].partition_cnt < partitions) {
    status = io::Status::failed(io::ErrorKind::kInvalidArgument,
                                "topic " + topic + " has " +
                                    std::to_string(md->topics[0].partition_cnt) +
                                    " partitions, needs " + std::to_string(partitions));
  }
  if (md != nullptr) rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return status;
}

}  // namespace

io::Status check_provisioned_topic(io::Clock& clock, const std::string& brokers,
                                   const std::string& topic, int partitions) {
  FL_ASSERT(!topic.empty() && partitions >= 1);
  if (brokers.empty()) return io::Status::failed(io::ErrorKind::kInvalidArgument, "no brokers");
  struct Probe {
    std::atomic<bool> done{false};
    io::Status status = io::Status::ok();
  };
  auto probe = std::make_shared<Probe>();
  std::thread worker([probe, brokers, topic, partitions] {
    probe->status = metadata_check(brokers, topic, partitions);
    probe->done.store(true, std::memory_order_release);
  });
  // Bounded by the metadata timeout (plus librdkafka's teardown).
  while (!probe->done.load(std::memory_order_acquire)) clock.sleep_ns(kProbePollNs);
  worker.join();
  return probe->status;
}

}  // namespace fl::serve
