// The request-parsing helper of every service's handlers: a JSON body read whole (one strict
// object, declared fields only), the `limit` query parameter and path ids, each turning a problem
// into the 400 response the handler returns unchanged.
//
//   RequestBody body(request);
//   create.sku = body.fields().text("sku", kMaxSkuBytes);
//   create.quantity = body.fields().integer("quantity", 0, kMaxItems);
//   if (auto bad = body.problem()) return *bad;   // malformed, missing, wrong or extra fields
//
// Contract: nothing is half-read: problem() is checked after every read and before anything is
// applied; reads of a malformed body return their defaults.
#pragma once

#include <optional>
#include <string>

#include "system/api/json_body.h"
#include "system/api/router.h"

namespace fl::api {

class RequestBody {
 public:
  explicit RequestBody(const ApiRequest& request);
  RequestBody(const RequestBody&) = delete;
  RequestBody& operator=(const RequestBody&) = delete;

  FieldReader& fields() { return reader_; }
  // nullopt when the body was a JSON object within the limits whose fields were all read and
  // valid; otherwise the 400 naming the first problem.
  std::optional<io::Response> problem();

 private:
  std::string parse_error_;
  Json object_;
  FieldReader reader_;
};

// Reads the `limit` query parameter (absent: fallback; 1..max). nullopt and *limit set, or the 400.
std::optional<io::Response> read_limit(const ApiRequest& request, std::size_t fallback,
                                       std::size_t max, std::size_t* limit);

// Reads path parameter `name` as an id of at most max_bytes of [A-Za-z0-9_.:-] (valid_id).
// nullopt and *id set, or the 400 ("malformed <what>").
std::optional<io::Response> read_id(const ApiRequest& request, const std::string& name,
                                    std::size_t max_bytes, const std::string& what,
                                    std::string* id);

// Reads path parameter `name` as any non-empty text of at most max_bytes (ids a client chose
// freely, e.g. reservation ids). nullopt and *value set, or the 400 ("<what> too long").
std::optional<io::Response> read_param(const ApiRequest& request, const std::string& name,
                                       std::size_t max_bytes, const std::string& what,
                                       std::string* value);

}  // namespace fl::api
