#include "system/saga/state_machine.h"

#include <array>

namespace fl::saga {
namespace {

constexpr std::array<const char*, 5> kStatusNames = {"running", "compensating", "completed",
                                                     "compensated", "failed"};
constexpr std::array<const char*, 7> kStepNames = {
    "pending", "running", "succeeded", "failed", "unknown", "compensating", "compensated"};

const StepSpec& spec_at(const SagaDefinition& definition, int step) {
  FL_ASSERT(step >= 0 && step < definition.step_count());
  return definition.steps()[static_cast<std::size_t>(step)];
}

StepState& state_at(SagaState* state, int step) {
  FL_ASSERT(step >= 0 && static_cast<std::size_t>(step) < state->steps.size());
  return state->steps[static_cast<std::size_t>(step)];
}

Transition send_current(const SagaState& state) {
  return {true, true, state.step, state.direction};
}

// Compensates the highest step at or below `from` that may have taken effect; Compensated when
// there is none left.
Transition compensate_from(const SagaDefinition& definition, int from, SagaState* state) {
  FL_ASSERT(from < definition.step_count());
  for (int j = from; j >= 0; --j) {
    const StepState s = state_at(state, j);
    const bool may_have_applied = s == StepState::kSucceeded || s == StepState::kUnknown;
    if (!spec_at(definition, j).compensable() || !may_have_applied) continue;
    state->status = SagaStatus::kCompensating;
    state->step = j;
    state->direction = Direction::kCompensate;
    state->attempt = 1;
    state_at(state, j) = StepState::kCompensating;
    return send_current(*state);
  }
  state->status = SagaStatus::kCompensated;
  state->direction = Direction::kCompensate;
  state->attempt = 1;
  return {true, false, state->step, Direction::kCompensate};
}

int attempt_limit(const SagaDefinition& definition, const RetryLimits& limits,
                  const SagaState& state) {
  if (state.direction == Direction::kCompensate) return limits.max_compensation_attempts;
  return spec_at(definition, state.step).compensable() ? limits.max_forward_attempts
                                                       : limits.max_pivot_attempts;
}

Transition forward_reply(const SagaDefinition& definition, const Reply& reply, SagaState* state) {
  const int step = state->step;
  if (reply.ok) {
    state_at(state, step) = StepState::kSucceeded;
    if (step + 1 == definition.step_count()) {
      state->status = SagaStatus::kCompleted;
      return {true, false, step, Direction::kForward};
    }
    state->step = step + 1;
    state->attempt = 1;
    state_at(state, step + 1) = StepState::kRunning;
    return send_current(*state);
  }
  state_at(state, step) = StepState::kFailed;
  state->error = spec_at(definition, step).name + " refused: " + reply.reason;
  if (!spec_at(definition, step).compensable()) {
    // A step after the pivot must not be refused: the saga cannot go back any more.
    state->status = SagaStatus::kFailed;
    return {true, false, step, Direction::kForward};
  }
  // The refused step is compensated too: the orchestrator does not rely on a participant's
  // refusal being free of effects (its compensation is then a no-op there).
  state->status = SagaStatus::kCompensating;
  state->direction = Direction::kCompensate;
  state->attempt = 1;
  state_at(state, step) = StepState::kCompensating;
  return send_current(*state);
}

}  // namespace

const char* to_string(SagaStatus status) { return kStatusNames[static_cast<std::size_t>(status)]; }

std::optional<SagaStatus> saga_status_from(const std::string& text) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (text == kStatusNames[i]) return static_cast<SagaStatus>(i);
  }
  return std::nullopt;
}

bool is_final(SagaStatus status) {
  return status == SagaStatus::kCompleted || status == SagaStatus::kCompensated ||
         status == SagaStatus::kFailed;
}

const char* to_string(StepState state) { return kStepNames[static_cast<std::size_t>(state)]; }

std::optional<StepState> step_state_from(const std::string& text) {
  for (std::size_t i = 0; i < kStepNames.size(); ++i) {
    if (text == kStepNames[i]) return static_cast<StepState>(i);
  }
  return std::nullopt;
}

SagaState initial_state(const SagaDefinition& definition) {
  SagaState state;
  state.steps.assign(static_cast<std::size_t>(definition.step_count()), StepState::kPending);
  state.steps[0] = StepState::kRunning;
  return state;
}

Transition apply_reply(const SagaDefinition& definition, const RetryLimits& limits,
                       const StateMachineBugs& bugs, const Reply& reply, SagaState* state) {
  (void)limits;
  FL_ASSERT_EQ(state->steps.size(), static_cast<std::size_t>(definition.step_count()));
  if (is_final(state->status)) return {};
  const bool matches = reply.step == state->step && reply.direction == state->direction;
  if (!matches && !bugs.no_reply_dedup) return {};  // stale: an earlier step or direction
  if (state->direction == Direction::kForward) return forward_reply(definition, reply, state);
  if (!reply.ok) {
    state->status = SagaStatus::kFailed;
    state->error =
        "compensation of " + spec_at(definition, state->step).name + " refused: " + reply.reason;
    return {true, false, state->step, Direction::kCompensate};
  }
  state_at(state, state->step) = StepState::kCompensated;
  return compensate_from(definition, state->step - 1, state);
}

Transition apply_timeout(const SagaDefinition& definition, const RetryLimits& limits,
                         const StateMachineBugs& bugs, SagaState* state) {
  FL_ASSERT_EQ(state->steps.size(), static_cast<std::size_t>(definition.step_count()));
  if (is_final(state->status)) return {};
  const int limit = attempt_limit(definition, limits, *state);
  FL_ASSERT(limit >= 1 && state->attempt <= limit);
  if (state->attempt < limit) {
    ++state->attempt;
    return send_current(*state);
  }
  const StepSpec& spec = spec_at(definition, state->step);
  if (state->direction == Direction::kForward && spec.compensable()) {
    // The step may have applied (its reply may be lost or late): undo it too. The buggy variant
    // assumes it failed.
    state_at(state, state->step) =
        bugs.compensate_unchecked ? StepState::kFailed : StepState::kUnknown;
    state->error = spec.name + " timed out after " + std::to_string(limit) + " attempts";
    return compensate_from(definition, state->step, state);
  }
  state->status = SagaStatus::kFailed;
  state->error = spec.name + (state->direction == Direction::kForward ? "" : " compensation") +
                 " timed out after " + std::to_string(limit) + " attempts";
  return {true, false, state->step, state->direction};
}

std::string encode_steps(const std::vector<StepState>& steps) {
  std::string out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (i) out += ",";
    out += to_string(steps[i]);
  }
  return out;
}

std::optional<std::vector<StepState>> decode_steps(const std::string& text) {
  std::vector<StepState> steps;
  std::size_t begin = 0;
  for (std::size_t n = 0; n <= kMaxSagaSteps; ++n) {
    const std::size_t end = text.find(',', begin);
    auto state = step_state_from(text.substr(begin, end - begin));
    if (!state) return std::nullopt;
    steps.push_back(*state);
    if (end == std::string::npos) return steps;
    begin = end + 1;
  }
  return std::nullopt;
}

}  // namespace fl::saga
