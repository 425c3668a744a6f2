// Proves the HTTP API layer shared by simulation and production (system/api): strict JSON
// parsing and field validation, routing with captures, queries and 404/405/400, Prometheus text
// metrics, structured JSON log lines, health reports, and ApiServer's error mapping (413, 500,
// 4xx JSON) over a small in-memory test service whose state must never be half-applied by a
// rejected request. Example tests pin exact outputs; RapidCheck properties feed arbitrary bytes
// to the parser and the router and require a clean JSON error or a valid result, never a crash.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "system/api/json_body.h"
#include "system/api/log.h"
#include "system/api/metrics.h"
#include "system/api/router.h"
#include "system/api/server.h"

namespace fl::api {
namespace {

class FakeClock final : public io::Clock {
 public:
  std::int64_t monotonic_ns() override { return mono_ += 1500000; }  // 1.5 ms per read
  std::int64_t wall_ns() override { return 1700000000123456789LL; }
  void sleep_ns(std::int64_t ns) override { mono_ += ns; }

 private:
  std::int64_t mono_ = 0;
};

TEST(JsonBody, ParsesObjectsAndRejectsEverythingElse) {
  std::string error;
  EXPECT_TRUE(parse_object(R"({"a": 1})", &error).has_value());
  EXPECT_FALSE(parse_object("", &error));
  EXPECT_EQ(error, "empty body: a JSON object is required");
  EXPECT_FALSE(parse_object("{\"a\": ", &error));
  EXPECT_EQ(error, "malformed JSON");
  EXPECT_FALSE(parse_object("[1, 2]", &error));
  EXPECT_EQ(error, "the body must be a JSON object");
  EXPECT_FALSE(parse_object(std::string(40, '[') + std::string(40, ']'), &error));
  EXPECT_EQ(error, "JSON nested deeper than 32");
  EXPECT_FALSE(parse_object("{\"a\":\"" + std::string(kMaxApiBodyBytes, 'x') + "\"}", &error));
  EXPECT_EQ(json_depth(R"({"a": "[[[{"})"), 1);
  EXPECT_EQ(json_depth(R"({"a": "\"[["})"), 1);
  EXPECT_EQ(json_depth("]["), -1);
}

TEST(JsonBody, FieldReaderKeepsTheFirstError) {
  const Json body = Json::parse(R"({"sku":"A1","quantity":2,"big":18446744073709551615,
                                    "name":"","extra":true,"n":1.5})");
  FieldReader ok_reader(body);
  EXPECT_EQ(ok_reader.text("sku", kMaxIdBytes), "A1");
  EXPECT_EQ(ok_reader.integer("quantity", 1, 10), 2);
  EXPECT_EQ(ok_reader.text("missing", 10, false, "dflt"), "dflt");
  EXPECT_TRUE(ok_reader.ok());
  ok_reader.no_other_fields();
  EXPECT_EQ(ok_reader.error(), "unknown field 'big' in body");

  const auto first_error = [&](const std::function<void(FieldReader&)>& reads) {
    FieldReader r(body);
    reads(r);
    return r.error();
  };
  EXPECT_EQ(first_error([](FieldReader& r) { r.integer("big", 0, 100); }),
            "field 'big' in body must be in [0, 100]");
  EXPECT_EQ(first_error([](FieldReader& r) { r.integer("n", 0, 100); }),
            "field 'n' in body must be an integer");
  EXPECT_EQ(first_error([](FieldReader& r) { r.text("name", 10); }),
            "field 'name' in body must have 1..10 bytes");
  EXPECT_EQ(first_error([](FieldReader& r) { r.text("quantity", 10); }),
            "field 'quantity' in body must be a string");
  EXPECT_EQ(first_error([](FieldReader& r) {
              r.text("nope", 10);
              r.integer("n", 0, 1);  // later reads do not overwrite the first error
            }),
            "missing field 'nope' in body");
  EXPECT_EQ(first_error([](FieldReader& r) { r.object("sku"); }),
            "field 'sku' in body must be an object");
  EXPECT_TRUE(valid_id("LAPTOP001"));
  EXPECT_FALSE(valid_id("a/b"));
  EXPECT_FALSE(valid_id(std::string(kMaxIdBytes + 1, 'a')));
}

TEST(JsonBody, SeamOutcomesMapToHttpErrors) {
  using io::ErrorKind;
  using io::Status;
  const auto status_of = [](const Status& s) { return error_from_status(s).status; };
  EXPECT_EQ(status_of(Status::failed(ErrorKind::kInvalidArgument, "bad")), 400);
  EXPECT_EQ(status_of(Status::failed(ErrorKind::kNotFound, "gone")), 404);
  EXPECT_EQ(status_of(Status::failed(ErrorKind::kConstraint, "dup")), 409);
  EXPECT_EQ(status_of(Status::failed(ErrorKind::kInternal, "bug")), 500);
  EXPECT_EQ(status_of(Status::failed(ErrorKind::kUnreachable, "down", true)), 503);
  EXPECT_EQ(status_of(Status::failed(ErrorKind::kSerialization, "retry", true)), 503);
  const io::Response unknown =
      error_from_status(Status::indeterminate(ErrorKind::kConnectionLost, "commit lost"));
  EXPECT_EQ(unknown.status, 504);
  EXPECT_NE(Json::parse(unknown.body)["error"].get<std::string>().find("may have been applied"),
            std::string::npos);
}

Router test_router() {
  Router r;
  r.add("GET", "/api/v1/items", [](const ApiRequest& q) {
    return json_response(200, Json{{"limit", q.query.count("limit") ? q.query.at("limit") : ""}});
  });
  r.add("GET", "/api/v1/items/{sku}", [](const ApiRequest& q) {
    return json_response(200, Json{{"sku", q.params.at("sku")}});
  });
  r.add("POST", "/api/v1/items/{sku}/reserve", [](const ApiRequest& q) {
    return json_response(201, Json{{"body", q.body}});
  });
  return r;
}

TEST(Router, MatchesCapturesQueriesAndMethods) {
  const Router r = test_router();
  auto got = r.route({"GET", "/api/v1/items/LAP%20TOP", "", {}});
  EXPECT_EQ(got.label, "/api/v1/items/{sku}");
  EXPECT_EQ(got.response.body, R"({"sku":"LAP TOP"})");
  got = r.route({"GET", "/api/v1/items?limit=5&limit=7&x=a+b", "", {}});
  EXPECT_EQ(got.response.body, R"({"limit":"5"})");
  got = r.route({"POST", "/api/v1/items/A/reserve", "{}", {}});
  EXPECT_EQ(got.response.status, 201);
  got = r.route({"DELETE", "/api/v1/items/A", "", {}});
  EXPECT_EQ(got.response.status, 405);
  EXPECT_EQ(got.label, "unmatched");
  EXPECT_EQ(r.route({"GET", "/api/v2/items", "", {}}).response.status, 404);
  EXPECT_EQ(r.route({"GET", "/api/v1/items/%zz", "", {}}).response.status, 400);  // bad escape
  EXPECT_EQ(r.route({"GET", "/api//items", "", {}}).response.status, 400);
  EXPECT_EQ(r.route({"GET", "/api/v1/items?=1", "", {}}).response.status, 400);
  EXPECT_EQ(r.route({"GET", "no-slash", "", {}}).response.status, 400);
  std::string deep;
  for (std::size_t i = 0; i <= kMaxPathSegments; ++i) deep += "/a";
  EXPECT_EQ(r.route({"GET", deep, "", {}}).response.status, 400);
}

TEST(Metrics, RendersCountersHistogramsAndGauges) {
  Metrics m("inventory");
  m.observe_request("/api/v1/items", "GET", 200, 2 * io::kNsPerMs);
  m.observe_request("/api/v1/items", "GET", 200, 7 * io::kNsPerSec);
  m.observe_request("unmatched", "GET", 404, 0);
  m.count("faultline_sagas_created_total", {{"type", "order_processing"}});
  m.add_gauge("faultline_sagas", "Sagas by state.", [](std::vector<GaugeSample>* out) {
    out->push_back({{{"state", "completed"}}, 3});
    out->push_back({{{"state", "we\"ird\n"}}, 1});
    return true;
  });
  m.add_gauge("faultline_broken", "Fails.", [](std::vector<GaugeSample>*) { return false; });
  const std::string text = m.render();
  const std::string labels =
      R"(service="inventory",route="/api/v1/items",method="GET",status="200")";
  EXPECT_NE(text.find("faultline_http_requests_total{" + labels + "} 2\n"), std::string::npos);
  EXPECT_NE(text.find("_bucket{" + labels + ",le=\"0.001\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("_bucket{" + labels + ",le=\"0.0025\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("_bucket{" + labels + ",le=\"5\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("_bucket{" + labels + ",le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("_sum{" + labels + "} 7.002\n"), std::string::npos);
  EXPECT_NE(text.find(R"(faultline_sagas{service="inventory",state="completed"} 3)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(state="we\"ird\n"} 1)"), std::string::npos);
  EXPECT_NE(text.find("faultline_gauge_errors_total{service=\"inventory\"} 1"), std::string::npos);
  EXPECT_NE(
      text.find(R"(faultline_sagas_created_total{service="inventory",type="order_processing"} 1)"),
      std::string::npos);
  EXPECT_EQ(m.requests("unmatched", "GET", 404), 1u);
}

TEST(Log, WritesOneJsonObjectPerLineAboveTheLevel) {
  FakeClock clock;
  std::vector<std::string> lines;
  Logger log(clock, "saga", LogLevel::kInfo, [&](const std::string& l) { lines.push_back(l); });
  log.debug("hidden");
  log.info("saga created", {{"saga_id", "s-1"}, {"big", std::string(kMaxLogFieldBytes, 'x')}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], R"({"time":"2023-11-14T22:13:20.123Z","level":"info","service":"saga",)"
                      R"("msg":"saga created","fields":{"big":"<4098 bytes>","saga_id":"s-1"}})");
  EXPECT_EQ(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(rfc3339_ms(951782400000000000LL), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(parse_log_level("WARNING"), LogLevel::kWarn);
  EXPECT_FALSE(parse_log_level("loud").has_value());
}

// A tiny service: POST /items {"sku","quantity"} creates an item; POST /items/{sku}/take moves
// quantity; both validate the whole body before changing anything.
struct TestService {
  FakeClock clock;
  std::vector<std::string> lines;
  Logger log{clock, "test", LogLevel::kDebug, [this](const std::string& l) { lines.push_back(l); }};
  Metrics metrics{"test"};
  Health health{"test"};
  ApiServer server{clock, log, metrics, health};
  std::map<std::string, std::int64_t> items;

  TestService() {
    server.router().add("POST", "/items", [this](const ApiRequest& q) {
      std::string error;
      auto body = parse_object(q.body, &error);
      if (!body) return error_response(400, error);
      FieldReader r(*body);
      const std::string sku = r.text("sku", kMaxIdBytes);
      const std::int64_t quantity = r.integer("quantity", 0, 1000000);
      r.no_other_fields();
      if (!r.ok()) return error_response(400, r.error());
      if (!items.emplace(sku, quantity).second) return error_response(409, "exists");
      return json_response(201, Json{{"sku", sku}, {"quantity", quantity}});
    });
    server.router().add("GET", "/boom", [](const ApiRequest&) -> io::Response {
      throw std::runtime_error("kaboom");
    });
  }
};

TEST(ApiServer, MapsErrorsToJsonAndNeverHalfApplies) {
  TestService s;
  auto r = s.server.handle({"POST", "/items", R"({"sku":"A","quantity":3})", {}});
  EXPECT_EQ(r.status, 201);
  for (const std::string bad : {"{", "[]", R"({"sku":"B"})", R"({"sku":"B","quantity":"3"})",
                                R"({"sku":"B","quantity":-1})", R"({"sku":"B","quantity":1,"x":0})",
                                R"({"sku":7,"quantity":1})"}) {
    r = s.server.handle({"POST", "/items", bad, {}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(Json::parse(r.body).contains("error")) << r.body;
  }
  EXPECT_EQ(s.items.size(), 1u);  // no rejected request changed anything
  r = s.server.handle({"POST", "/items", std::string(kMaxApiBodyBytes + 1, ' '), {}});
  EXPECT_EQ(r.status, 413);
  r = s.server.handle({"GET", "/boom", "", {}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Json::parse(r.body)["error"], "internal error");  // the detail is logged, not sent
  EXPECT_EQ(r.body.find("kaboom"), std::string::npos);
  EXPECT_EQ(s.server.handle({"GET", "/nope", "", {}}).status, 404);
  EXPECT_EQ(s.metrics.requests("/items", "POST", 400), 7u);
  EXPECT_EQ(s.metrics.requests("unmatched", "POST", 413), 1u);
  r = s.server.handle({"GET", "/metrics", "", {}});
  EXPECT_NE(r.body.find(R"(route="/items",method="POST",status="201"} 1)"), std::string::npos);
  ASSERT_FALSE(s.lines.empty());
  for (const auto& line : s.lines) {
    const Json j = Json::parse(line);
    EXPECT_TRUE(j.contains("time") && j.contains("level") && j.contains("msg")) << line;
    EXPECT_EQ(j["service"], "test");
  }
}

TEST(ApiServer, HealthReportsEachDependency) {
  TestService s;
  s.health.add("postgres", [] { return io::Status::ok(); });
  s.health.add("redis", [] {
    return io::Status::failed(io::ErrorKind::kUnreachable, "connection refused", true);
  });
  const auto r = s.server.handle({"GET", "/health", "", {}});
  EXPECT_EQ(r.status, 503);
  const Json j = Json::parse(r.body);
  EXPECT_EQ(j["status"], "degraded");
  EXPECT_EQ(j["dependencies"]["postgres"]["status"], "ok");
  EXPECT_EQ(j["dependencies"]["redis"]["status"], "failed");
  EXPECT_EQ(j["dependencies"]["redis"]["error"],
            "failed/unreachable(retryable): connection refused");
}

RC_GTEST_PROP(ApiProperties, ArbitraryBodiesGiveAnObjectOrAnError, (const std::string& body)) {
  std::string error;
  const auto parsed = parse_object(body, &error);
  const bool well_formed = parsed.has_value() ? parsed->is_object() : !error.empty();
  RC_ASSERT(well_formed);
}

RC_GTEST_PROP(ApiProperties, ArbitraryPathsGetAJsonAnswer,
              (const std::string& tail, const std::string& method)) {
  RC_PRE(tail != "metrics");  // the one route whose answer is Prometheus text, not JSON
  TestService s;
  const auto r = s.server.handle({method, "/" + tail, tail, {}});
  const Json j = Json::parse(r.body, nullptr, false);
  RC_ASSERT(!j.is_discarded());
  if (r.status >= 400) RC_ASSERT(j.contains("error"));
  RC_ASSERT(s.items.size() <= 1u);
}

}  // namespace
}  // namespace fl::api
