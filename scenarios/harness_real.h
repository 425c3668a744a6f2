// The harness runtime in real mode (declared here, found by harness_registry.cc): the same
// composition of workloads, nemeses and checkers as in simulation, against real servers.
//
// A run starts throwaway servers on loopback (tests/servers/start.sh: a PostgreSQL 15 primary
// "pg1" with a streaming replica "pg2", and a Redis "redis"), puts a fault-injecting TCP proxy
// between the clients and each server and between the replica and its primary
// (real/fault/real_fault_port.h), runs the driver on the production fiber runtime
// (real/fiber_runtime.h) with PgStore / RedisCache / KafkaLog sessions per client pointed at the
// proxies, and stops the servers when the runtime is destroyed. Kafka is librdkafka's in-process
// mock cluster ("kafka", real/fault/kafka_mock_node.h): kill, restart and partitions take its
// brokers down and up, link delay sets its round-trip time; it cannot be paused.
//
// Refused with a message naming the key: more than two PostgreSQL servers, and service nodes
// (systems beyond the raw stores); real mode runs stores only so far.
#pragma once

#include <memory>
#include <string>

#include "scenarios/harness.h"

namespace fl::scenarios {

std::unique_ptr<Runtime> make_real_runtime(const RuntimeOptions& options, const Topology& topology,
                                           std::string* error);

}  // namespace fl::scenarios
