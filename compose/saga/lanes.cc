// The saga system's lanes in the run report (compose/timeline.h): one lane per saga, one bar per
// step it ran or compensated, coloured by how the step ended, and a marker where the saga ended.
// Fed by the orchestrator's on_committed hook, so a lane shows committed state only.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "compose/saga/saga.h"
#include "compose/timeline.h"
#include "system/saga/orchestrator.h"

namespace fl::compose {
namespace {

std::string outcome_of(saga::StepState state) {
  switch (state) {
    case saga::StepState::kSucceeded:
      return "ok";
    case saga::StepState::kFailed:
      return "fail";
    case saga::StepState::kUnknown:
      return "unknown";
    case saga::StepState::kCompensated:
      return "compensated";
    default:
      return "running";
  }
}

std::string final_outcome(saga::SagaStatus status) {
  if (status == saga::SagaStatus::kCompleted) return "ok";
  if (status == saga::SagaStatus::kCompensated) return "compensated";
  return "fail";
}

// "o12 · saga-…" when the saga's data names its order.
std::string order_of(const saga::SagaView& view) {
  const auto data = nlohmann::json::parse(view.data_json, nullptr, false);
  if (data.is_object() && data.contains("order_id") && data["order_id"].is_string()) {
    return data["order_id"].get<std::string>();
  }
  return "";
}

}  // namespace

// The lane recorder for one run: remembers the step each saga's open bar is about.
std::function<void(const saga::SagaView&)> saga_lane_recorder(std::shared_ptr<TimelineLog> log) {
  auto open_step = std::make_shared<std::map<std::string, int>>();
  return [log, open_step](const saga::SagaView& v) {
    auto it = open_step->find(v.saga_id);
    const bool fresh = it == open_step->end();
    std::string previous = "running";
    if (!fresh && it->second >= 0 && static_cast<std::size_t>(it->second) < v.steps.size()) {
      previous = outcome_of(v.steps[static_cast<std::size_t>(it->second)].state);
    }
    if (saga::is_final(v.status)) {
      log->end(v.saga_id, previous);
      log->mark("sagas", v.saga_id, saga::to_string(v.status), final_outcome(v.status));
      open_step->erase(v.saga_id);
      return;
    }
    if (!fresh && it->second == v.current_step) return;  // a retry of the same step
    const bool back = v.direction == saga::Direction::kCompensate;
    const std::string step = static_cast<std::size_t>(v.current_step) < v.steps.size()
                                 ? v.steps[static_cast<std::size_t>(v.current_step)].name
                                 : "step " + std::to_string(v.current_step);
    log->begin("sagas", v.saga_id, back ? "compensate " + step : step, previous);
    if (fresh) {
      const std::string order = order_of(v);
      log->add_key(v.saga_id, v.saga_id);
      if (!order.empty()) log->add_key(v.saga_id, "order " + order);
    }
    (*open_step)[v.saga_id] = v.current_step;
  };
}

}  // namespace fl::compose
