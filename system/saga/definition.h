// Saga definitions, written in code: the ordered steps of a saga type, which participant runs
// each step, and how each step is undone.
//
// `order_processing`: reserve inventory -> charge payment -> send notification. Compensations run
// in reverse: refund the charge, release the reservation. The notification step comes after the
// pivot (the charge): it has no compensation and is retried until it succeeds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "system/io/status.h"
#include "system/saga/messages.h"

namespace fl::saga {

constexpr std::size_t kMaxSagaDataBytes = 16 * 1024;
constexpr std::size_t kMaxSagaSteps = 16;

struct StepSpec {
  std::string name;               // "reserve_inventory": part of the idempotency key
  std::string topic;              // the participant's command topic
  std::string forward_action;     // "reserve"
  std::string compensate_action;  // "release"; empty: the step cannot be undone (after the pivot)
  bool compensable() const { return !compensate_action.empty(); }
};

// The fields of an order saga's data (a JSON object). Missing fields take these defaults.
struct OrderData {
  std::string order_id;  // defaults to the saga id
  std::string user_id;
  std::string sku;
  std::int64_t quantity = 1;
  std::int64_t amount_cents = 0;
  std::string card;  // "declined" makes the payment service refuse the charge
};

class SagaDefinition {
 public:
  SagaDefinition(std::string type, std::vector<StepSpec> steps);
  const std::string& type() const { return type_; }
  const std::vector<StepSpec>& steps() const { return steps_; }
  int step_count() const { return static_cast<int>(steps_.size()); }

  // "" if `data_json` is acceptable for this type, else the reason (for a 400).
  std::string validate(const std::string& data_json) const;
  // The command for one step in one direction. REQUIRES: validate(data_json) == "".
  Command command(const std::string& saga_id, const std::string& data_json, int step,
                  Direction direction) const;

 private:
  std::string type_;
  std::vector<StepSpec> steps_;
};

// nullptr if no saga type has this name.
const SagaDefinition* find_definition(const std::string& type);
std::vector<std::string> definition_types();

// Parses an order saga's data (a JSON object text). kInvalidArgument with the reason.
io::Result<OrderData> parse_order_data(const std::string& data_json);

}  // namespace fl::saga
