// The event store as a ServiceInfo (compose/service.h): `faultline serve event-store` on the
// seeds' port 8090, and the harness's events1..eventsN nodes, started the same way.
#include <memory>

#include "compose/events/events.h"
#include "compose/service.h"
#include "system/events/events_api.h"

namespace fl::compose {
namespace {

using Kind = options::OptionSpec::Kind;

constexpr std::int64_t kMaxProjectIntervalMs = 60000;

std::vector<ServiceOption> events_options() {
  const events::StoreOptions store;
  const events::ProjectorOptions projector;
  return {
      {{"snapshot_every",
        Kind::kInt,
        store.snapshot_every,
        0,
        events::kMaxSnapshotEvery,
        {},
        "a snapshot every N events of a stream (0: none)"},
       "EVENTS_SNAPSHOT_EVERY"},
      {{"project_interval_ms",
        Kind::kInt,
        projector.interval_ns / io::kNsPerMs,
        1,
        kMaxProjectIntervalMs,
        {},
        "idle wait of the read-model projector and the Kafka publisher"},
       "EVENTS_PROJECT_INTERVAL_MS"},
      {{"bug",
        Kind::kString,
        "none",
        0,
        0,
        {"none", "sequence-position-reader", "snapshot-wrong-version", "no-expected-version",
         "time-travel-wall-clock"},
        "a known-bug switch (docs/known-bugs.md)"},
       "",
       /*simulation_only=*/true},
  };
}

events::EventsOptions options_from(const nlohmann::json& o) {
  events::EventsOptions out;
  out.store.snapshot_every = o.at("snapshot_every").get<std::int64_t>();
  out.projector.interval_ns = o.at("project_interval_ms").get<std::int64_t>() * io::kNsPerMs;
  const std::string bug = o.at("bug").get<std::string>();
  out.store.bugs.sequence_position_reader = bug == "sequence-position-reader";
  out.store.bugs.snapshot_wrong_version = bug == "snapshot-wrong-version";
  out.store.bugs.no_expected_version = bug == "no-expected-version";
  out.store.bugs.time_travel_wall_clock = bug == "time-travel-wall-clock";
  return out;
}

io::Result<std::shared_ptr<void>> start_events(ServiceContext& c) {
  events::EventsOptions options = options_from(c.options);
  if (const auto* lanes = std::any_cast<std::shared_ptr<TimelineLog>>(&c.run_state)) {
    // Simulation: the run report's checkpoint lanes (lanes.cc).
    options.projector.on_checkpoint =
        checkpoint_lane_recorder(*lanes, c.env.clock, c.env.tasks.node_name());
  }
  auto service = std::make_shared<events::EventsService>(c.env, std::move(options));
  if (io::Status s = service->run(); !s.is_ok()) return s;
  api::add_events_routes(c.router, *service, c.log, c.metrics);
  api::add_events_metrics(c.metrics, *service);
  return std::shared_ptr<void>(service);
}

}  // namespace

void register_events_service() {
  ServiceInfo info;
  info.name = kEventStoreService;
  info.node = "events";
  info.system = "event-store";
  info.description =
      "CQRS event store: POST /api/v1/commands, GET /api/v1/events/{id}, time travel";
  info.default_port = 8090;
  info.sql = true;
  info.events = true;
  info.health_table = events::kCounterTable;
  info.topics = {{events::kEventsTopic, events::kEventsTopicPartitions}};
  info.options = events_options();
  info.start = start_events;
  register_service(std::move(info));
}

void register_events() {
  register_events_service();
  register_events_system();
  register_events_workload();
}

std::string events_node_name(int i) { return "events" + std::to_string(i); }

}  // namespace fl::compose
