// Proves the production runtime: fibers park and unpark through Asio handlers, sleeps last as
// long as asked while other fibers run, and the very echo service (in the ServiceHost) that the
// simulator's selftest serves over the simulated network serves real HTTP/1.1 on loopback:
// concurrent calls, relays between two real nodes, 404 passthrough, and each failure mapped onto
// the seam's outcomes (unknown node and refused connection: failed/unreachable; a handler slower
// than the deadline: indeterminate/timeout; an oversized request: failed/invalid-argument). Raw
// sockets check that an oversized or malformed request gets a 4xx JSON error and the server keeps
// serving.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <utility>

#include "compose/echo/echo.h"
#include "compose/host.h"
#include "real/http_rpc.h"
#include "real/kafka_log.h"
#include "real/node_runtime.h"
#include "real/redis_cache.h"
#include "real/stores_from_env.h"

namespace fl::real {
namespace {

TEST(RealRuntime, SleepsOverlapAndLastAsLongAsAsked) {
  RealClock clock;
  std::int64_t elapsed = 0;
  int done = 0;
  run_fibers([&] {
    const std::int64_t t0 = clock.monotonic_ns();
    std::vector<boost::fibers::fiber> fibers;
    for (int i = 0; i < 100; ++i) {
      fibers.emplace_back([&] {
        clock.sleep_ns(50 * io::kNsPerMs);
        ++done;
      });
    }
    for (auto& f : fibers) f.join();
    elapsed = clock.monotonic_ns() - t0;
  });
  EXPECT_EQ(done, 100);
  EXPECT_GE(elapsed, 50 * io::kNsPerMs);
  EXPECT_LT(elapsed, 1000 * io::kNsPerMs);  // concurrent, not 100 x 50 ms
}

TEST(RealRuntime, ParkerUnparkBeforeParkReturnsAtOnce) {
  run_fibers([&] {
    Parker p;
    p.unpark();
    p.unpark();  // idempotent
    p.park();
    SUCCEED();
  });
}

// Serves the echo service on `node` as `faultline serve echo` does (compose::ServiceHost).
std::unique_ptr<compose::ServiceHost> serve_echo(RealNode& node,
                                                 std::shared_ptr<compose::EchoOracle> oracle) {
  compose::HostOptions host;
  host.log_sink = [](const std::string&) {};
  host.log_level = api::LogLevel::kError;
  if (oracle != nullptr) host.run_state = oracle;
  const compose::ServiceInfo* info = compose::find_service("echo");
  EXPECT_NE(info, nullptr);
  nlohmann::json options;
  EXPECT_EQ(compose::resolve_service_options(*info, {{"relay_timeout_ms", 200}}, &options), "");
  auto h = std::make_unique<compose::ServiceHost>(*info, node.env(), options, std::move(host));
  EXPECT_TRUE(h->start().is_ok());
  node.env().transport.serve(h->handler());
  return h;
}

std::size_t handled_total(const compose::EchoOracle& oracle) {
  std::size_t n = 0;
  for (const auto& [body, by] : oracle.handled) n += by.size();
  return n;
}

TEST(RealRuntime, EchoServiceOverRealHttp) {
  auto obs = std::make_shared<compose::EchoOracle>();
  run_fibers([&] {
    RealNode a("a", 1, {}, 0);
    RealNode b("b", 2, {}, 0);
    auto host_a = serve_echo(a, obs);
    auto host_b = serve_echo(b, obs);
    const std::string a_addr = "127.0.0.1:" + std::to_string(a.transport().port());
    const std::string b_addr = "127.0.0.1:" + std::to_string(b.transport().port());
    a.transport().set_peer("b", b_addr);
    RealNode client("client", 3, {{"a", a_addr}, {"b", b_addr}}, 0);
    io::Env& env = client.env();
    auto deadline = [&] { return env.clock.deadline_after_ns(2 * io::kNsPerSec); };

    auto r = env.transport.call("a", io::Request{"POST", "/echo", "1:x", {}}, deadline());
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r.value().status, 200);
    EXPECT_EQ(r.value().body, "a|1|1:x");
    auto relayed = env.transport.call("a", io::Request{"POST", "/relay/b", "2:y", {}}, deadline());
    ASSERT_TRUE(relayed.is_ok());
    EXPECT_EQ(relayed.value().body, "b|1|2:y");
    auto missing = env.transport.call("a", io::Request{"GET", "/nope", "", {}}, deadline());
    ASSERT_TRUE(missing.is_ok());
    EXPECT_EQ(missing.value().status, 404);

    int ok = 0;
    std::vector<boost::fibers::fiber> callers;
    for (int c = 0; c < 20; ++c) {
      callers.emplace_back([&, c] {
        for (int i = 0; i < 10; ++i) {
          const std::string body = std::to_string(c) + "-" + std::to_string(i) + ":z";
          auto res = env.transport.call(c % 2 ? "a" : "b", io::Request{"POST", "/echo", body, {}},
                                        deadline());
          if (res.is_ok() && res.value().body.ends_with("|" + body)) ++ok;
        }
      });
    }
    for (auto& f : callers) f.join();
    EXPECT_EQ(ok, 200);
    a.transport().stop();
    b.transport().stop();
  });
  EXPECT_EQ(obs->starts.size(), 2u);
  EXPECT_EQ(handled_total(*obs), 202u);
}

TEST(RealRuntime, FailuresMapOntoTheSeamOutcomes) {
  run_fibers([&] {
    RealNode slow("slow", 1, {}, 0);
    slow.env().transport.serve([&](const io::Request&) {
      slow.env().clock.sleep_ns(500 * io::kNsPerMs);
      return io::Response{200, "{}", {}};
    });
    // A port that was just free: nothing listens there.
    RealNode closed("closed", 2, {}, 0);
    closed.env().transport.serve([](const io::Request&) { return io::Response{}; });
    const std::uint16_t dead_port = closed.transport().port();
    closed.transport().stop();
    RealNode client("client", 3,
                    {{"slow", "127.0.0.1:" + std::to_string(slow.transport().port())},
                     {"dead", "127.0.0.1:" + std::to_string(dead_port)}},
                    0);
    io::Env& env = client.env();
    auto unknown = env.transport.call("zz", io::Request{"POST", "/x", "", {}},
                                      env.clock.deadline_after_ns(io::kNsPerSec));
    EXPECT_TRUE(unknown.status().is_failed());
    EXPECT_EQ(unknown.status().kind(), io::ErrorKind::kUnreachable);
    boost::this_fiber::yield();
    auto refused = env.transport.call("dead", io::Request{"POST", "/x", "", {}},
                                      env.clock.deadline_after_ns(io::kNsPerSec));
    EXPECT_TRUE(refused.status().is_failed()) << refused.status().to_string();
    EXPECT_EQ(refused.status().kind(), io::ErrorKind::kUnreachable);
    auto late = env.transport.call("slow", io::Request{"POST", "/x", "", {}},
                                   env.clock.deadline_after_ns(100 * io::kNsPerMs));
    EXPECT_TRUE(late.status().is_indeterminate()) << late.status().to_string();
    EXPECT_EQ(late.status().kind(), io::ErrorKind::kTimeout) << late.status().to_string();
    auto big = env.transport.call(
        "slow", io::Request{"POST", "/x", std::string(io::kMaxBodyBytes + 1, 'x'), {}},
        env.clock.deadline_after_ns(io::kNsPerSec));
    EXPECT_EQ(big.status().kind(), io::ErrorKind::kInvalidArgument);
    slow.env().clock.sleep_ns(600 * io::kNsPerMs);  // let the slow handler finish
    slow.transport().stop();
  });
}

// Sends raw bytes and returns the raw response (the server closes the connection after it).
std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  using boost::asio::ip::tcp;
  tcp::socket s(io());
  Parker p;
  boost::system::error_code ec;
  s.async_connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), [&](auto e) {
    ec = e;
    p.unpark();
  });
  p.park();
  if (ec) return "connect failed";
  Parker w;
  boost::asio::async_write(s, boost::asio::buffer(bytes), [&](auto e, auto) {
    ec = e;
    w.unpark();
  });
  w.park();
  std::string out;
  char buf[4096];
  for (int i = 0; i < 1000; ++i) {
    Parker r;
    std::size_t n = 0;
    s.async_read_some(boost::asio::buffer(buf), [&](auto e, std::size_t got) {
      ec = e;
      n = got;
      r.unpark();
    });
    r.park();
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

TEST(RealRuntime, BadRequestsGet4xxJsonAndTheServerKeepsServing) {
  run_fibers([&] {
    RealNode node("n", 1, {}, 0);
    auto host = serve_echo(node, nullptr);
    const std::uint16_t port = node.transport().port();
    const std::string malformed = raw_exchange(port, "GARBAGE\r\n\r\n");
    EXPECT_NE(malformed.find("400"), std::string::npos) << malformed;
    EXPECT_NE(malformed.find("\"error\""), std::string::npos);
    const std::string huge =
        raw_exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n");
    EXPECT_NE(huge.find("413"), std::string::npos) << huge;
    const std::string good = raw_exchange(
        port,
        "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 3\r\n\r\n1:a");
    EXPECT_NE(good.find("200 OK"), std::string::npos) << good;
    EXPECT_NE(good.find("n|1|1:a"), std::string::npos);
    node.transport().stop();
  });
}

TEST(RealKafka, FetchWaitFromTheEnvironmentWithinBounds) {
  EXPECT_EQ(parse_fetch_wait_ms(nullptr), std::nullopt);
  EXPECT_EQ(parse_fetch_wait_ms("1"), 1);
  EXPECT_EQ(parse_fetch_wait_ms("250"), 250);
  EXPECT_EQ(parse_fetch_wait_ms("500"), 500);
  for (const char* bad : {"", "0", "501", "5000", "-5", "1e2", " 10", "10ms", "abc"}) {
    EXPECT_EQ(parse_fetch_wait_ms(bad), std::nullopt) << bad;
  }
  ::setenv("FL_KAFKA_FETCH_WAIT_MS", "10ms", 1);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(kafka_fetch_wait_ms(), kDefaultFetchWaitMs);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("FL_KAFKA_FETCH_WAIT_MS='10ms'"),
            std::string::npos);
  ::setenv("FL_KAFKA_FETCH_WAIT_MS", "40", 1);
  EXPECT_EQ(kafka_fetch_wait_ms(), 40);
  EXPECT_EQ(KafkaOptions{}.fetch_wait_max_ms, 40);
  ::unsetenv("FL_KAFKA_FETCH_WAIT_MS");
  EXPECT_EQ(KafkaOptions{}.fetch_wait_max_ms, kDefaultFetchWaitMs);
  KafkaOptions o;
  o.brokers = "127.0.0.1:9";
  o.fetch_wait_max_ms = 0;
  KafkaLog log(o);
  const io::Status s = log.subscribe("g", {"t"});
  EXPECT_EQ(s.kind(), io::ErrorKind::kInvalidArgument);
  EXPECT_NE(s.message().find("fetch_wait_max_ms"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace fl::real

namespace fl::real {
namespace {

TEST(RealRedis, UrlParsingAndRefusedConnectionsFailRetryably) {
  std::string host;
  int port = 0;
  EXPECT_TRUE(RedisCache::parse_url("redis://127.0.0.1:6390", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 6390);
  for (const char* bad : {"", "redis://", "redis://:1", "redis://h:", "redis://h:0",
                          "redis://h:99999", "http://h:1", "redis://h:1x"}) {
    EXPECT_FALSE(RedisCache::parse_url(bad, &host, &port)) << bad;
  }
  run_fibers([&] {
    // Bind an ephemeral port, then close it: nothing listens there.
    RealNode closed("closed", 1, {}, 0);
    closed.env().transport.serve([](const io::Request&) { return io::Response{}; });
    const int dead = closed.transport().port();
    closed.transport().stop();
    RedisCache cache("127.0.0.1", dead);
    auto r = cache.set("k", "v", io::SetCondition::kAlways, 0);
    EXPECT_TRUE(r.status().is_failed()) << r.status().to_string();
    EXPECT_TRUE(r.status().retryable());
    EXPECT_EQ(r.status().kind(), io::ErrorKind::kConnectionLost);
  });
}

}  // namespace
}  // namespace fl::real

namespace fl::real {
namespace {

TEST(RealStores, FromTheEnvironmentWithClearErrors) {
  ::setenv("REDIS_URL", "not-a-url", 1);
  auto bad = cache_from_env();
  EXPECT_TRUE(bad.status().is_failed());
  EXPECT_NE(bad.status().message().find("REDIS_URL"), std::string::npos);
  EXPECT_TRUE(cache_from_env("redis://127.0.0.1:7000").is_ok());
  ::unsetenv("KAFKA_BROKERS");
  EXPECT_NE(events_from_env("c").status().message().find("KAFKA_BROKERS"), std::string::npos);
  ::setenv("KAFKA_BROKERS", "127.0.0.1:9092", 1);
  EXPECT_TRUE(events_from_env("c").is_ok());
  EXPECT_NE(sql_from_env(), nullptr);
}

}  // namespace
}  // namespace fl::real
