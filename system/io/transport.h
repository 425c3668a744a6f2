// Transport: request/response RPC between named nodes, with deadlines.
//
// A request is HTTP-shaped (method, path, body) so that the very same Handler serves both the
// simulated network and real HTTP/1.1 in production. Handlers are plain functions of a request;
// they run on a fiber of the serving node and may block on the seam (sleep, call other nodes).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "system/io/clock.h"
#include "system/io/status.h"

namespace fl::io {

struct Request {
  std::string method = "POST";  // GET, POST, PUT, DELETE
  std::string path;             // "/api/v1/sagas?x=1": path plus optional query
  std::string body;             // JSON text or empty
};

struct Response {
  int status = 200;  // HTTP status code
  std::string body;  // JSON text or empty
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
