// The checkers behind the registry (registry.h), one function per name. Each receives options
// already checked for unknown keys (a JSON object) and returns its outcome; a bad option value
// gives kUnknown with result["error"] (option_error).
#pragma once

#include <string>

#include "checkers/registry.h"

namespace fl::checkers {

CheckOutcome option_error(const std::string& message);

CheckOutcome run_linearizable(const nlohmann::json& options, const history::History& h);
CheckOutcome run_elle_list_append(const nlohmann::json& options, const history::History& h);
CheckOutcome run_elle_rw_register(const nlohmann::json& options, const history::History& h);
CheckOutcome run_bank(const nlohmann::json& options, const history::History& h);
CheckOutcome run_set(const nlohmann::json& options, const history::History& h);
CheckOutcome run_counter(const nlohmann::json& options, const history::History& h);

}  // namespace fl::checkers
