// The request-parsing helper (request.h).
#include "system/api/request.h"

#include "system/io/assert.h"

namespace fl::api {
namespace {

Json parse_or_empty(const std::string& body, std::string* error) {
  auto object = parse_object(body, error);
  return object ? std::move(*object) : Json::object();
}

}  // namespace

RequestBody::RequestBody(const ApiRequest& request)
    : object_(parse_or_empty(request.body, &parse_error_)), reader_(object_) {}

std::optional<io::Response> RequestBody::problem() {
  if (!parse_error_.empty()) return error_response(400, parse_error_);
  reader_.no_other_fields();
  if (!reader_.ok()) return error_response(400, reader_.error());
  return std::nullopt;
}

std::optional<io::Response> read_limit(const ApiRequest& request, std::size_t fallback,
                                       std::size_t max, std::size_t* limit) {
  FL_ASSERT(limit != nullptr);
  std::string error;
  const auto value = query_limit(request, fallback, max, &error);
  if (!value) return error_response(400, error);
  *limit = *value;
  return std::nullopt;
}

std::optional<io::Response> read_id(const ApiRequest& request, const std::string& name,
                                    std::size_t max_bytes, const std::string& what,
                                    std::string* id) {
  FL_ASSERT(id != nullptr);
  const auto it = request.params.find(name);
  FL_ASSERT_MSG(it != request.params.end(), "route has no parameter " << name);
  if (!valid_id(it->second) || it->second.size() > max_bytes) {
    return error_response(400, "malformed " + what);
  }
  *id = it->second;
  return std::nullopt;
}

std::optional<io::Response> read_param(const ApiRequest& request, const std::string& name,
                                       std::size_t max_bytes, const std::string& what,
                                       std::string* value) {
  FL_ASSERT(value != nullptr);
  const auto it = request.params.find(name);
  FL_ASSERT_MSG(it != request.params.end(), "route has no parameter " << name);
  if (it->second.size() > max_bytes) return error_response(400, what + " too long");
  *value = it->second;
  return std::nullopt;
}

}  // namespace fl::api
