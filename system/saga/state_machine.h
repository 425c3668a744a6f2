// The saga state machine, as pure functions (no IO): the orchestrator persists a SagaState and
// applies events to it inside one transaction; the model test (tests/saga) checks it against a
// reference model with rc::state.
//
// Rules:
//  - a saga starts Running at step 0 (attempt 1) and runs its steps in order;
//  - an ok reply for the current step and direction moves on (forward: next step, or Completed
//    after the last; compensating: the next lower step that needs undoing, or Compensated);
//  - a refusal of a forward step is compensated with the steps before it (the participant's
//    compensation of a refused step is a no-op; the orchestrator does not rely on refusals
//    being free of effects); a refused step after the pivot (not compensable) fails the saga;
//  - a timeout resends the current command (same idempotency key) until the step's attempt
//    limit; an exhausted compensable forward step's outcome is UNKNOWN (never assumed failed):
//    it is compensated too; compensations and non-compensable steps are retried up to their
//    own limits, after which the saga is Failed (stuck, needs an operator);
//  - replies that do not match the current step and direction are stale: ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "system/saga/definition.h"

namespace fl::saga {

enum class SagaStatus : std::uint8_t { kRunning, kCompensating, kCompleted, kCompensated, kFailed };
const char* to_string(SagaStatus status);
std::optional<SagaStatus> saga_status_from(const std::string& text);
bool is_final(SagaStatus status);

enum class StepState : std::uint8_t {
  kPending,       // not started
  kRunning,       // forward command sent, no answer yet
  kSucceeded,     // forward step applied
  kFailed,        // forward step refused (definitely not applied)
  kUnknown,       // forward attempts exhausted without an answer: may have applied
  kCompensating,  // compensation sent
  kCompensated,   // compensation applied
};
const char* to_string(StepState state);
std::optional<StepState> step_state_from(const std::string& text);

struct RetryLimits {
  int max_forward_attempts = 3;        // compensable steps
  int max_pivot_attempts = 40;         // steps without compensation (after the pivot)
  int max_compensation_attempts = 40;  // compensations
};

// Known-bug switches (off by default; for proving the harness catches them).
struct StateMachineBugs {
  // A forward step whose attempts ran out is assumed to have failed: not compensated.
  bool compensate_unchecked = false;
  // A reply advances the saga whatever step it answers (no dedup, no step match).
  bool no_reply_dedup = false;
};

struct SagaState {
  SagaStatus status = SagaStatus::kRunning;
  int step = 0;  // the step being run or compensated
  Direction direction = Direction::kForward;
  int attempt = 1;  // of the current command (1 = first send)
  std::vector<StepState> steps;
  std::string error;  // why the saga compensated or failed
  bool operator==(const SagaState&) const = default;
};

// What to send after a transition (the current step's command), if anything.
struct Transition {
  bool changed = false;  // false: the event was stale or a duplicate; nothing to write
  bool send = false;
  int step = 0;
  Direction direction = Direction::kForward;
};

SagaState initial_state(const SagaDefinition& definition);
Transition apply_reply(const SagaDefinition& definition, const RetryLimits& limits,
                       const StateMachineBugs& bugs, const Reply& reply, SagaState* state);
Transition apply_timeout(const SagaDefinition& definition, const RetryLimits& limits,
                         const StateMachineBugs& bugs, SagaState* state);

// Text forms for the saga row ("running,succeeded,pending").
std::string encode_steps(const std::vector<StepState>& steps);
std::optional<std::vector<StepState>> decode_steps(const std::string& text);

}  // namespace fl::saga
