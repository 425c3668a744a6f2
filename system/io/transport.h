// Transport: request/response RPC between named nodes, with deadlines.
//
// A request is HTTP-shaped (method, path, headers, body) so that the very same Handler serves
// both the simulated network and real HTTP/1.1 in production. Handlers are plain functions of a
// request; they run on a fiber of the serving node and may block on the seam (sleep, call other
// nodes).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "system/io/clock.h"
#include "system/io/status.h"

namespace fl::io {

// Bounds on headers (both modes): count, name and value sizes. A header over them is refused
// (Headers::set returns false; servers answer 431).
constexpr std::size_t kMaxHeaders = 32;
constexpr std::size_t kMaxHeaderNameBytes = 64;
constexpr std::size_t kMaxHeaderValueBytes = 4096;

// HTTP header fields with case-insensitive names (kept lower-case), in arrival order, bounded.
// Only the fields a service or client sets travel: Content-Type, Idempotency-Key,
// Authorization, X-Request-Id and the like; transport-level fields (Host, Content-Length,
// Connection) are the transport's own.
class Headers {
 public:
  // Sets `name` to `value` (replacing an earlier value). False, and nothing changes, when the
  // name is not an HTTP token of 1..kMaxHeaderNameBytes, the value holds a control character
  // or is longer than kMaxHeaderValueBytes, or kMaxHeaders fields are already set.
  bool set(std::string_view name, std::string_view value);
  // The value of `name` (any case), or nullptr.
  const std::string* get(std::string_view name) const;
  bool erase(std::string_view name);
  std::size_t size() const { return fields_.size(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  bool operator==(const Headers&) const = default;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // lower-case names
};

struct Request {
  std::string method = "POST";  // GET, POST, PUT, DELETE, HEAD
  std::string path;             // "/api/v1/sagas?x=1": path plus optional query
  std::string body;             // JSON text or empty
  Headers headers;
};

struct Response {
  int status = 200;  // HTTP status code
  std::string body;  // JSON text (or what the Content-Type header says) or empty
  Headers headers;
};

// Bounds on what a Transport carries; bigger requests are refused with kInvalidArgument
// (caller side) or status 413 (server side).
constexpr std::size_t kMaxBodyBytes = 1 << 20;
constexpr std::size_t kMaxPathBytes = 4096;

using Handler = std::function<Response(const Request&)>;

class Transport {
 public:
  Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
  virtual ~Transport() = default;

  // Registers the handler for every request to this node. Replaces an earlier one.
  // The handler lives as long as this node incarnation; a crash drops it.
  virtual void serve(Handler handler) = 0;

  // Sends `request` to node `node` and waits for its response until `deadline` (this node's
  // monotonic clock). Outcomes:
  //   ok             the handler ran and this is its response (any HTTP status);
  //   failed         kUnreachable: the request was never handled (refused, no such node, no
  //                  handler); kInvalidArgument: the request is malformed or too big;
  //   indeterminate  kTimeout or kConnectionLost: the handler may have run, perhaps more than once
  //                  if the network duplicated the request.
  // REQUIRES: called from a fiber of this node.
  virtual Result<Response> call(const std::string& node, const Request& request,
                                Deadline deadline) = 0;
};

}  // namespace fl::io
