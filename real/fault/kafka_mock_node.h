// KafkaMockNode: Kafka for real mode as librdkafka's in-process mock cluster (no broker is
// packaged for Debian; the mock speaks the real protocol over loopback), with the fault controls
// librdkafka offers for it.
//
// Fault model: set_down(true) disconnects every broker and refuses new connections
// (rd_kafka_mock_broker_set_down), which is how real mode kills, restarts and partitions Kafka
// from the clients: the log itself is kept, as a killed broker keeps what it wrote. set_rtt adds
// round-trip delay to every request (rd_kafka_mock_broker_set_rtt). A pause cannot be injected:
// the mock's threads run inside the harness' own process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "real/fault/real_fault_port.h"
#include "system/io/status.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace fl::real::fault {

class KafkaMockNode {
 public:
  static constexpr std::int64_t kMaxRttMs = 60'000;

  explicit KafkaMockNode(int brokers = 1);
  ~KafkaMockNode();
  KafkaMockNode(const KafkaMockNode&) = delete;
  KafkaMockNode& operator=(const KafkaMockNode&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }
  io::Status create_topic(const std::string& topic, int partitions);
  std::string set_down(bool down);
  std::string set_rtt_ns(std::int64_t rtt_ns);
  // The node as RealFaultPort controls it (name "kafka"). REQUIRES: outlives the port's use.
  ControlledNode controlled_node(const std::string& name = "kafka");

 private:
  rd_kafka_t* handle_ = nullptr;
  std::string bootstraps_;
};

}  // namespace fl::real::fault
