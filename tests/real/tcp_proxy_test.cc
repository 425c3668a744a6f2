// Proves the fault-injecting TCP proxy with real traffic: a real Redis 7 and PostgreSQL 15
// (tests/servers, on loopback) behind it. Latency set per direction shows in measured round
// trips and adds up; jittered chunks keep their order (50 pipelined INCRs answer 1..50); a stall
// holds a command (no reply) and heal delivers it (the reply comes, the write happened); a drop
// swallows it for good (after heal the next INCR still answers 1); cut resets open connections
// (libpq and raw clients see errors) and refuses new ones until heal; the connection limit and
// the per-direction buffer bound hold; the destructor stops with connections open.
#include "real/fault/tcp_proxy.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tests/real/fault_support.h"

namespace fl::real::fault {
namespace {

using testing::now_ms;
using testing::RawClient;
using testing::redis_call;
using testing::shared_servers;

std::unique_ptr<TcpProxy> proxy_to(std::uint16_t port, ProxyOptions o = {}) {
  o.target_port = port;
  std::string error;
  auto proxy = TcpProxy::start(o, &error);
  EXPECT_NE(proxy, nullptr) << error;
  return proxy;
}

double ping_ms(RawClient& c) {
  const double t0 = now_ms();
  EXPECT_EQ(redis_call(c, "PING", 7, 5000), "+PONG\r\n");
  return now_ms() - t0;
}

constexpr std::int64_t kMs = 1'000'000;

TEST(TcpProxy, LatencyPerDirectionIsVisibleAndHealRemovesIt) {
  auto proxy = proxy_to(shared_servers().redis_port());
  RawClient c(proxy->port());
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_LT(ping_ms(c), 50);
  ASSERT_EQ(proxy->set_faults(Direction::kToServer, {Flow::kPass, 100 * kMs, 0}), "");
  const double one = ping_ms(c);
  EXPECT_GE(one, 100);
  EXPECT_LT(one, 400);
  ASSERT_EQ(proxy->set_faults(Direction::kToClient, {Flow::kPass, 80 * kMs, 0}), "");
  EXPECT_GE(ping_ms(c), 180);
  ASSERT_EQ(proxy->heal(), "");
  EXPECT_LT(ping_ms(c), 50);
  EXPECT_NE(proxy->set_faults(Direction::kToServer, {Flow::kPass, -1, 0}), "");
}

TEST(TcpProxy, JitterKeepsOrderWithinAConnection) {
  auto proxy = proxy_to(shared_servers().redis_port());
  RawClient c(proxy->port());
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(redis_call(c, "DEL jitter", 4, 2000), ":0\r\n");
  ASSERT_EQ(proxy->set_faults(Direction::kToServer, {Flow::kPass, 0, 20 * kMs}), "");
  ASSERT_EQ(proxy->set_faults(Direction::kToClient, {Flow::kPass, 0, 20 * kMs}), "");
  std::string expected;
  for (int i = 1; i <= 50; ++i) {
    ASSERT_TRUE(c.send_all("INCR jitter\r\n"));  // one chunk each, most likely
    expected += ":" + std::to_string(i) + "\r\n";
  }
  EXPECT_EQ(c.recv_for(expected.size(), 10000), expected);
}

TEST(TcpProxy, StallHoldsBytesAndHealDeliversThem) {
  auto proxy = proxy_to(shared_servers().redis_port());
  RawClient c(proxy->port());
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(redis_call(c, "DEL stall", 4, 2000), ":0\r\n");
  ASSERT_EQ(proxy->set_faults(Direction::kToServer, {Flow::kStall, 0, 0}), "");
  EXPECT_EQ(redis_call(c, "INCR stall", 4, 300), "");  // held
  EXPECT_FALSE(c.closed());
  RawClient other(shared_servers().redis_port());  // straight to Redis: nothing arrived
  EXPECT_EQ(redis_call(other, "GET stall", 5, 2000), "$-1\r\n");
  ASSERT_EQ(proxy->heal(), "");
  EXPECT_EQ(c.recv_for(4, 2000), ":1\r\n");
  EXPECT_EQ(proxy->stats().dropped_bytes[0], 0u);
}

TEST(TcpProxy, DropSwallowsBytesForGood) {
  auto proxy = proxy_to(shared_servers().redis_port());
  RawClient c(proxy->port());
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(redis_call(c, "DEL drop", 4, 2000), ":0\r\n");
  ASSERT_EQ(proxy->set_faults(Direction::kToServer, {Flow::kDrop, 0, 0}), "");
  EXPECT_EQ(redis_call(c, "INCR drop", 4, 300), "");
  ASSERT_EQ(proxy->heal(), "");
  EXPECT_EQ(c.recv_for(4, 300), "");  // nothing was held
  EXPECT_EQ(redis_call(c, "INCR drop", 4, 2000), ":1\r\n");
  EXPECT_EQ(proxy->stats().dropped_bytes[0], std::string("INCR drop\r\n").size());
}

TEST(TcpProxy, CutResetsConnectionsAndRefusesNewOnesUntilHeal) {
  auto proxy = proxy_to(shared_servers().pg_port());
  PGconn* conn = PQconnectdb(pg_conninfo(proxy->port(), "postgres").c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PQclear(PQexec(conn, "SELECT 1"));
  proxy->cut();
  EXPECT_TRUE(proxy->is_cut());
  PGresult* res = PQexec(conn, "SELECT 1");
  EXPECT_NE(PQresultStatus(res), PGRES_TUPLES_OK);  // the reset reached libpq
  PQclear(res);
  PQfinish(conn);
  const std::string refused = testing::pg_query(proxy->port(), "SELECT 1");
  EXPECT_NE(refused.find("refused"), std::string::npos) << refused;
  RawClient raw(proxy->port());
  EXPECT_FALSE(raw.ok());
  EXPECT_EQ(proxy->stats().reset, 1u);
  ASSERT_EQ(proxy->heal(), "");
  EXPECT_EQ(testing::pg_query(proxy->port(), "SELECT 41 + 1"), "42");
}

TEST(TcpProxy, ConnectionLimitHolds) {
  ProxyOptions o;
  o.max_connections = 2;
  auto proxy = proxy_to(shared_servers().redis_port(), o);
  RawClient a(proxy->port()), b(proxy->port());
  ASSERT_EQ(redis_call(a, "PING", 7, 2000), "+PONG\r\n");
  ASSERT_EQ(redis_call(b, "PING", 7, 2000), "+PONG\r\n");
  RawClient c(proxy->port());  // accepted by the kernel, closed by the proxy
  EXPECT_EQ(redis_call(c, "PING", 7, 1000), "");
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(proxy->stats().refused, 1u);
  EXPECT_EQ(proxy->stats().open, 2u);
}

TEST(TcpProxy, BufferedBytesAreBoundedWhileStalled) {
  ProxyOptions o;
  o.max_buffered_bytes = 64 * 1024;
  auto proxy = proxy_to(shared_servers().redis_port(), o);
  RawClient c(proxy->port());
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(proxy->set_faults(Direction::kToServer, {Flow::kStall, 0, 0}), "");
  // Write without blocking until the kernel says no: the proxy must stop reading at its bound,
  // so what we could write is the bound plus the kernel's socket buffers, not everything.
  const std::string block(64 * 1024, 'x');
  std::size_t written = 0;
  constexpr std::size_t kTryBytes = 256u << 20;
  for (int idle = 0; written < kTryBytes && idle < 20;) {
    const ssize_t n = ::send(c.fd(), block.data(), block.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      idle = 0;
    } else {
      ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);
      ++idle;
      ::usleep(10'000);
    }
  }
  EXPECT_LT(written, 64u << 20) << "the proxy kept reading past its bound";
  EXPECT_EQ(proxy->stats().forwarded_bytes[0], 0u);
}

TEST(TcpProxy, BadOptionsAreRefusedWithAReason) {
  std::string error;
  ProxyOptions o;
  o.target_host = "localhost";  // an IP address is required
  o.target_port = 1;
  EXPECT_EQ(TcpProxy::start(o, &error), nullptr);
  EXPECT_NE(error.find("IP address"), std::string::npos) << error;
  o.target_host = "127.0.0.1";
  o.max_connections = 0;
  EXPECT_EQ(TcpProxy::start(o, &error), nullptr);
  EXPECT_NE(error.find("max_connections"), std::string::npos) << error;
}

}  // namespace
}  // namespace fl::real::fault
