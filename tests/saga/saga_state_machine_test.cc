// Proves the saga state machine (system/saga/state_machine.h) against a reference model with
// rc::state: random sequences of replies for the current step (ok or refused), stale and
// duplicate replies, and timeouts. The model is written independently and small: it keeps the
// phase, the step, the attempt and which steps may have taken effect. After every command the
// two must agree, and these invariants must hold: a final saga never moves again; Completed
// means every step succeeded; Compensated means every compensable step that may have taken
// effect was compensated; attempts never exceed their limits; a stale reply changes nothing.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <set>

#include "system/saga/state_machine.h"

namespace fl::saga {
namespace {

const SagaDefinition& def() { return *find_definition("order_processing"); }

RetryLimits limits() {
  RetryLimits l;
  l.max_forward_attempts = 3;
  l.max_pivot_attempts = 4;
  l.max_compensation_attempts = 5;
  return l;
}

struct Model {
  enum class Phase { kForward, kBack, kCompleted, kCompensated, kFailed } phase = Phase::kForward;
  int step = 0;
  int attempt = 1;
  std::set<int> maybe_applied;  // forward steps that may have taken effect
  std::set<int> compensated;
  bool is_final() const {
    return phase == Phase::kCompleted || phase == Phase::kCompensated || phase == Phase::kFailed;
  }
  bool compensable(int s) const { return def().steps()[static_cast<std::size_t>(s)].compensable(); }
  // Moves to the highest step <= from needing compensation, or Compensated.
  void back_from(int from) {
    for (int s = from; s >= 0; --s) {
      if (compensable(s) && maybe_applied.count(s) && !compensated.count(s)) {
        phase = Phase::kBack, step = s, attempt = 1;
        return;
      }
    }
    phase = Phase::kCompensated;
  }
};

struct Sut {
  SagaState state = initial_state(def());
};

void check_agree(const Model& m, const Sut& sut) {
  using P = Model::Phase;
  const SagaStatus expected = m.phase == P::kForward       ? SagaStatus::kRunning
                              : m.phase == P::kBack        ? SagaStatus::kCompensating
                              : m.phase == P::kCompleted   ? SagaStatus::kCompleted
                              : m.phase == P::kCompensated ? SagaStatus::kCompensated
                                                           : SagaStatus::kFailed;
  RC_ASSERT(sut.state.status == expected);
  if (!m.is_final()) {
    RC_ASSERT(sut.state.step == m.step);
    RC_ASSERT(sut.state.attempt == m.attempt);
    RC_ASSERT((sut.state.direction == Direction::kCompensate) == (m.phase == P::kBack));
  }
  if (m.phase == P::kCompleted) {
    for (auto s : sut.state.steps) RC_ASSERT(s == StepState::kSucceeded);
  }
  if (m.phase == P::kCompensated) {
    for (int s : m.maybe_applied) {
      if (m.compensable(s))
        RC_ASSERT(sut.state.steps[static_cast<std::size_t>(s)] == StepState::kCompensated);
    }
  }
}

struct CurrentReply : rc::state::Command<Model, Sut> {
  bool ok = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.is_final()); }
  void apply(Model& m) const override {
    if (m.phase == Model::Phase::kForward) {
      if (ok) {
        m.maybe_applied.insert(m.step);
        if (m.step + 1 == def().step_count()) {
          m.phase = Model::Phase::kCompleted;
        } else {
          ++m.step, m.attempt = 1;
        }
      } else if (!m.compensable(m.step)) {
        m.phase = Model::Phase::kFailed;
      } else {
        m.maybe_applied.insert(m.step);  // refused; compensated anyway (a no-op there)
        m.phase = Model::Phase::kBack, m.attempt = 1;
      }
    } else if (ok) {
      m.compensated.insert(m.step);
      m.back_from(m.step - 1);
    } else {
      m.phase = Model::Phase::kFailed;
    }
  }
  void run(const Model& m, Sut& sut) const override {
    Reply r{
        "s", m.step, m.phase == Model::Phase::kBack ? Direction::kCompensate : Direction::kForward,
        "k", ok,     ok ? "" : "no"};
    const Transition t = apply_reply(def(), limits(), {}, r, &sut.state);
    RC_ASSERT(t.changed);
    Model next = m;
    apply(next);
    check_agree(next, sut);
    if (t.send) RC_ASSERT(t.step == sut.state.step && t.direction == sut.state.direction);
  }
  void show(std::ostream& os) const override { os << "CurrentReply(" << ok << ")"; }
};

struct StaleReply : rc::state::Command<Model, Sut> {
  int step = *rc::gen::inRange(0, 3);
  bool compensate = *rc::gen::arbitrary<bool>();
  bool ok = *rc::gen::arbitrary<bool>();
  void checkPreconditions(const Model& m) const override {
    const bool current = step == m.step && compensate == (m.phase == Model::Phase::kBack);
    RC_PRE(m.is_final() || !current);
  }
  void apply(Model&) const override {}
  void run(const Model& m, Sut& sut) const override {
    const SagaState before = sut.state;
    Reply r{"s", step, compensate ? Direction::kCompensate : Direction::kForward, "k", ok, ""};
    RC_ASSERT(!apply_reply(def(), limits(), {}, r, &sut.state).changed);
    RC_ASSERT(sut.state == before);
    check_agree(m, sut);
  }
  void show(std::ostream& os) const override { os << "StaleReply(" << step << ")"; }
};

struct Timeout : rc::state::Command<Model, Sut> {
  void apply(Model& m) const override {
    if (m.is_final()) return;
    const RetryLimits l = limits();
    const int limit = m.phase == Model::Phase::kBack ? l.max_compensation_attempts
                      : m.compensable(m.step)        ? l.max_forward_attempts
                                                     : l.max_pivot_attempts;
    if (m.attempt < limit) {
      ++m.attempt;
    } else if (m.phase == Model::Phase::kForward && m.compensable(m.step)) {
      m.maybe_applied.insert(m.step);  // unknown outcome: may have applied
      m.back_from(m.step);
    } else {
      m.phase = Model::Phase::kFailed;
    }
  }
  void run(const Model& m, Sut& sut) const override {
    const Transition t = apply_timeout(def(), limits(), {}, &sut.state);
    RC_ASSERT(t.changed == !m.is_final());
    Model next = m;
    apply(next);
    check_agree(next, sut);
    RC_ASSERT(sut.state.attempt <= 5);
  }
  void show(std::ostream& os) const override { os << "Timeout"; }
};

RC_GTEST_PROP(SagaStateMachine, AgreesWithTheModel, ()) {
  Model model;
  Sut sut;
  rc::state::check(model, sut,
                   rc::state::gen::execOneOfWithArgs<CurrentReply, StaleReply, Timeout>());
}

TEST(SagaStateMachine, CompensateUncheckedBugSkipsTheTimedOutStep) {
  StateMachineBugs bugs;
  bugs.compensate_unchecked = true;
  SagaState s = initial_state(def());
  for (int i = 0; i < limits().max_forward_attempts; ++i)
    (void)apply_timeout(def(), limits(), bugs, &s);
  EXPECT_EQ(s.status, SagaStatus::kCompensated);  // the reservation is never released
  SagaState good = initial_state(def());
  for (int i = 0; i < limits().max_forward_attempts; ++i)
    (void)apply_timeout(def(), limits(), {}, &good);
  EXPECT_EQ(good.status, SagaStatus::kCompensating);
  EXPECT_EQ(good.steps[0], StepState::kCompensating);
}

TEST(SagaStateMachine, StepsRoundTripAsText) {
  std::vector<StepState> steps = {StepState::kSucceeded, StepState::kUnknown,
                                  StepState::kCompensated};
  EXPECT_EQ(decode_steps(encode_steps(steps)), steps);
  EXPECT_FALSE(decode_steps("succeeded,bogus").has_value());
}

}  // namespace
}  // namespace fl::saga
