#include "system/api/router.h"

#include "system/api/json_body.h"
#include "system/io/assert.h"

namespace fl::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_capture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool valid_method(const std::string& method) {
  if (method.empty() || method.size() > kMaxMethodBytes) return false;
  for (char c : method) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// Every segment decodes (a "%zz" anywhere is a malformed path, not an unknown one).
bool segments_decode(const std::vector<std::string>& segments) {
  std::string decoded;
  for (const auto& s : segments) {
    if (!percent_decode(s, false, &decoded)) return false;
  }
  return true;
}

}  // namespace

bool percent_decode(const std::string& in, bool plus_is_space, std::string* out) {
  FL_ASSERT(out != nullptr);
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool split_path(const std::string& path, std::vector<std::string>* segments) {
  FL_ASSERT(segments != nullptr);
  segments->clear();
  if (path.empty() || path[0] != '/' || path.size() > io::kMaxPathBytes) return false;
  std::size_t start = 1;
  while (start <= path.size()) {  // at most one pass per segment, bounded below
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    if (end > start) {
      if (segments->size() >= kMaxPathSegments) return false;
      segments->push_back(path.substr(start, end - start));
    } else if (slash != std::string::npos) {
      return false;  // "//": an empty segment
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

bool parse_query(const std::string& query, std::map<std::string, std::string>* out) {
  FL_ASSERT(out != nullptr);
  std::size_t start = 0;
  std::size_t pairs = 0;
  while (start < query.size()) {
    if (++pairs > kMaxQueryParams) return false;
    std::size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(start, amp - start);
    const std::size_t eq = pair.find('=');
    std::string key, value;
    if (!percent_decode(pair.substr(0, eq), true, &key) || key.empty()) return false;
    if (eq != std::string::npos && !percent_decode(pair.substr(eq + 1), true, &value)) {
      return false;
    }
    out->emplace(std::move(key), std::move(value));  // the first value wins
    start = amp + 1;
  }
  return true;
}

std::optional<std::size_t> query_limit(const ApiRequest& request, std::size_t fallback,
                                       std::size_t max, std::string* error) {
  FL_ASSERT(fallback >= 1 && fallback <= max);
  auto it = request.query.find("limit");
  if (it == request.query.end()) return fallback;
  const std::string& text = it->second;
  std::size_t value = 0;
  bool ok = !text.empty() && text.size() <= 9;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    if (ok) value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  if (!ok || value < 1 || value > max) {
    *error = "query parameter 'limit' must be an integer in [1, " + std::to_string(max) + "]";
    return std::nullopt;
  }
  return value;
}

void Router::add(const std::string& method, const std::string& pattern, RouteHandler handler) {
  FL_ASSERT(handler != nullptr);
  FL_ASSERT_LT(routes_.size(), kMaxRoutes);
  Route r{method, pattern, {}, std::move(handler)};
  FL_ASSERT_MSG(split_path(pattern, &r.segments), "bad route pattern " << pattern);
  for (const auto& other : routes_) {
    FL_ASSERT_MSG(!(other.method == method && other.pattern == pattern),
                  "duplicate route " << method << " " << pattern);
  }
  routes_.push_back(std::move(r));
}

Routed Router::route(const io::Request& request) const {
  if (!valid_method(request.method)) return {"unmatched", error_response(400, "malformed method")};
  const std::size_t q = request.path.find('?');
  ApiRequest req;
  req.method = request.method == "HEAD" ? "GET" : request.method;
  req.path = request.path.substr(0, q);
  std::vector<std::string> segments;
  if (!split_path(req.path, &segments) || !segments_decode(segments) ||
      (q != std::string::npos && !parse_query(request.path.substr(q + 1), &req.query))) {
    return {"unmatched", error_response(400, "malformed path or query")};
  }
  const std::string quoted_path = req.path.substr(0, kMaxQuotedBytes);
  bool path_matched = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      if (is_capture(r.segments[i])) {
        std::string decoded;
        match = percent_decode(segments[i], false, &decoded) && !decoded.empty();
        params[r.segments[i].substr(1, r.segments[i].size() - 2)] = decoded;
      } else {
        match = r.segments[i] == segments[i];
      }
    }
    if (!match) continue;
    path_matched = true;
    if (r.method != req.method) continue;
    req.params = std::move(params);
    req.body = request.body;
    req.headers = request.headers;
    return {r.pattern, r.handler(req)};
  }
  if (path_matched) {
    return {"unmatched",
            error_response(405, "method " + request.method + " not allowed on " + quoted_path)};
  }
  return {"unmatched", error_response(404, "no route for " + request.method + " " + quoted_path)};
}

}  // namespace fl::api
