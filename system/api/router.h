// Router: HTTP method + path pattern -> handler, for the services' JSON APIs.
//
// Patterns are literal segments and {name} captures: "/api/v1/items/{sku}/reserve". A capture
// matches one non-empty segment; the handler receives it decoded (percent-escapes) in params.
// Query strings ("?limit=10&state=completed") are split into `query` (first value wins).
// Outcomes of route(): a matching route runs its handler; a path that matches some route but
// not with this method gets 405; no matching path gets 404; a malformed path (not starting
// with '/', too long, too many segments, a bad escape such as "%zz" in any segment) or method
// (not an HTTP token of at most kMaxMethodBytes) gets 400. HEAD is routed as GET (the transport
// sends no body). Error texts quote at most kMaxQuotedBytes of the method and path. Each carries
// the route's pattern as its metrics label ("unmatched" for 404/405/400) so label sets stay
// bounded.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "system/io/transport.h"

namespace fl::api {

constexpr std::size_t kMaxRoutes = 64;
constexpr std::size_t kMaxPathSegments = 16;
constexpr std::size_t kMaxQueryParams = 16;
constexpr std::size_t kMaxMethodBytes = 16;
constexpr std::size_t kMaxQuotedBytes = 256;

struct ApiRequest {
  std::string method;
  std::string path;  // without the query
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
  std::string body;
  io::Headers headers;  // as received (case-insensitive names)
};

using RouteHandler = std::function<io::Response(const ApiRequest&)>;

struct Routed {
  std::string label;  // the matched pattern, or "unmatched"
  io::Response response;
};

class Router {
 public:
  // REQUIRES: a valid pattern, fewer than kMaxRoutes routes, no duplicate (method, pattern).
  void add(const std::string& method, const std::string& pattern, RouteHandler handler);
  Routed route(const io::Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{x}" for a capture
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

// The `limit` query parameter: absent -> fallback; a decimal in [1, max] -> it; else nullopt
// with *error set.
std::optional<std::size_t> query_limit(const ApiRequest& request, std::size_t fallback,
                                       std::size_t max, std::string* error);

// Splits "/a/b/c" into {"a","b","c"}; false on a malformed path or too many segments.
bool split_path(const std::string& path, std::vector<std::string>* segments);
// Decodes %XX escapes (and '+' as space in queries when `plus_is_space`); false if malformed.
bool percent_decode(const std::string& in, bool plus_is_space, std::string* out);
// Parses "a=1&b=2"; false if malformed or over kMaxQueryParams.
bool parse_query(const std::string& query, std::map<std::string, std::string>* out);

}  // namespace fl::api
