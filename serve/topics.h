// Kafka topics provisioned by the operator (`faultline serve --kafka-topics provisioned`): many
// deployments forbid services to create topics (no Admin API rights, auto-create off); the
// services then only verify, at start-up, that each topic they use exists with enough
// partitions. The harness' real mode runs services this way against librdkafka's mock cluster,
// which does not answer CreateTopics: the harness creates the topics on the mock first.
#pragma once

#include <string>

#include "system/io/clock.h"
#include "system/io/status.h"

namespace fl::serve {

constexpr int kTopicMetadataTimeoutMs = 2000;

// ok when `topic` exists on `brokers` with at least `partitions` partitions; failed
// (kInvalidArgument) when it does not, naming it; failed (kUnavailable, retryable) when the
// brokers did not answer within kTopicMetadataTimeoutMs. The metadata request runs on a thread
// of its own while the calling fiber sleeps on `clock`, so other fibers keep running.
io::Status check_provisioned_topic(io::Clock& clock, const std::string& brokers,
                                   const std::string& topic, int partitions);

}  // namespace fl::serve
