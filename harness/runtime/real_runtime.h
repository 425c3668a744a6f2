// The harness runtime in real mode (declared here, found by harness_registry.cc): the same
// composition of workloads, nemeses and checkers as in simulation, against real servers.
//
// A run starts throwaway servers on loopback (real/servers/start.sh: a PostgreSQL 15 primary
// "pg1" with a streaming replica "pg2", and a Redis "redis"), puts a fault-injecting TCP proxy
// between the clients and each server and between the replica and its primary
// (real/fault/real_fault_port.h), runs the driver on the production fiber runtime
// (real/fiber_runtime.h) with PgStore / RedisCache / KafkaLog sessions per client pointed at the
// proxies, and stops the servers when the runtime is destroyed. Kafka is librdkafka's in-process
// mock cluster ("kafka", real/fault/kafka_mock_node.h): kill, restart and partitions take its
// brokers down and up, link delay sets its round-trip time; it cannot be paused.
//
// Service nodes of a system under test (ServiceNode, harness.h) run as child processes:
// `faultline <process_args> --port P --pg <pg1's proxy> --redis <redis' proxy> --kafka <mock
// bootstraps> --kafka-topics provisioned` (the production face, scenarios/serve.h), one per node
// on a free loopback port, with the topics the node declares created on the mock first. The
// executable is $FL_FAULTLINE, else this process when it is faultline. They start before the
// driver (each must answer GET /health), the harness' Transport reaches them by node name over
// HTTP, nemeses kill -9 / restart / SIGSTOP / SIGCONT them (real/fault/service_process.h), and
// they are stopped and reaped after the driver (and by the runtime's destructor on any path).
// A service that ended by itself is a harness problem; logs are <servers dir>/<node>.log.
//
// Refused with a message naming the key: more than two PostgreSQL servers; service nodes
// without a process form (simulation-only known-bug switches). Partitions, one-way blocks and
// link faults naming a service process are refused when injected (real_fault_port.h).
#pragma once

#include <memory>
#include <string>

#include "harness/runtime.h"

namespace fl::harness {

std::unique_ptr<Runtime> make_real_runtime(const RuntimeOptions& options, const Topology& topology,
                                           std::string* error);

}  // namespace fl::harness
