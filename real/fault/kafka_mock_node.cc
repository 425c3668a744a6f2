#include "real/fault/kafka_mock_node.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "real/kafka_log.h"
#include "system/io/assert.h"

namespace fl::real::fault {
namespace {

constexpr std::int32_t kAllBrokers = -1;

std::string check(rd_kafka_resp_err_t e, const char* what) {
  return e == RD_KAFKA_RESP_ERR_NO_ERROR ? "" : std::string(what) + ": " + rd_kafka_err2str(e);
}

}  // namespace

KafkaMockNode::KafkaMockNode(int brokers) {
  FL_ASSERT(brokers >= 1 && brokers <= 16);
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  FL_ASSERT(rd_kafka_conf_set(conf, "test.mock.num.brokers", std::to_string(brokers).c_str(), err,
                              sizeof err) == RD_KAFKA_CONF_OK);
  FL_ASSERT(rd_kafka_conf_set(conf, "log_level", kafka_log_level(), err, sizeof err) ==
            RD_KAFKA_CONF_OK);
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  FL_ASSERT_MSG(handle_ != nullptr, err);
  rd_kafka_mock_cluster_t* mc = rd_kafka_handle_mock_cluster(handle_);
  FL_ASSERT(mc != nullptr);
  bootstraps_ = rd_kafka_mock_cluster_bootstraps(mc);
}

KafkaMockNode::~KafkaMockNode() {
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

io::Status KafkaMockNode::create_topic(const std::string& topic, int partitions) {
  const rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(rd_kafka_handle_mock_cluster(handle_),
                                                           topic.c_str(), partitions, 1);
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return io::Status::ok();
  }
  return io::Status::failed(io::ErrorKind::kInvalidArgument, rd_kafka_err2str(e));
}

std::string KafkaMockNode::set_down(bool down) {
  rd_kafka_mock_cluster_t* mc = rd_kafka_handle_mock_cluster(handle_);
  return down ? check(rd_kafka_mock_broker_set_down(mc, kAllBrokers), "kafka mock: set down")
              : check(rd_kafka_mock_broker_set_up(mc, kAllBrokers), "kafka mock: set up");
}

std::string KafkaMockNode::set_rtt_ns(std::int64_t rtt_ns) {
  const std::int64_t rtt_ms = rtt_ns / 1'000'000;
  if (rtt_ns < 0 || rtt_ms > kMaxRttMs) {
    return "kafka mock: round-trip delay must be in [0, " + std::to_string(kMaxRttMs) + "] ms";
  }
  return check(rd_kafka_mock_broker_set_rtt(rd_kafka_handle_mock_cluster(handle_), kAllBrokers,
                                            static_cast<int>(rtt_ms)),
               "kafka mock: set rtt");
}

ControlledNode KafkaMockNode::controlled_node(const std::string& name) {
  ControlledNode n;
  n.name = name;
  n.set_down = [this](bool down) { return set_down(down); };
  n.set_delay_ns = [this](std::int64_t ns) { return set_rtt_ns(ns); };
  n.pause_refusal =
      "kafka runs as librdkafka's mock cluster inside the harness' process: it cannot be frozen "
      "with SIGSTOP without freezing the harness";
  return n;
}

}  // namespace fl::real::fault
