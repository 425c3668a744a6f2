// The JSON answers of the dr nodes' internal RPC (db_node.cc, archive.cc): a body with a status,
// and an error as {"error": message}. Internal to system/dr.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "system/io/transport.h"

namespace fl::dr {

inline io::Response json_reply(int status, const nlohmann::json& body) {
  return io::Response{status, body.dump(), {}};
}

inline io::Response json_error(int status, const std::string& message) {
  return json_reply(status, nlohmann::json{{"error", message}});
}

}  // namespace fl::dr
