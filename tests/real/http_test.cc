// Proves the production HTTP transport's headers and limits (real/http_rpc.h) over real sockets:
// headers travel both ways with case-insensitive names and Content-Type defaults to JSON; HEAD
// gets the headers and Content-Length of the answer and no body; too many header fields get 431;
// idle keep-alive connections are closed after the idle timeout and, under pressure, the one idle
// longest is closed to make room (counted); with every connection busy a new one gets 503.
// How: the server runs on its own thread (its own fiber runtime and io_context), the test talks to
// it with blocking POSIX sockets and with an HttpTransport client on another thread.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "real/fiber_runtime.h"
#include "real/http_rpc.h"
#include "real/node_runtime.h"

namespace fl::real {
namespace {

// A server on its own thread, answering with `handler`, until destroyed.
class ServerThread {
 public:
  ServerThread(HttpLimits limits, io::Handler handler) {
    thread_ = std::thread([this, limits, handler] {
      run_fibers([&] {
        RealTasks tasks("server", 1);
        HttpTransport transport(&tasks, {}, 0, limits);
        transport.serve(handler);
        port_ = transport.port();
        RealClock clock;
        while (!stop_) clock.sleep_ns(5 * io::kNsPerMs);
        stats_ = transport.stats();
        transport.stop();
      });
    });
    for (int i = 0; i < 2000 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~ServerThread() {
    stop_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  HttpStats stop_and_stats() {
    stop_ = true;
    thread_.join();
    thread_ = std::thread([] {});
    return stats_;
  }

 private:
  std::thread thread_;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> stop_{false};
  HttpStats stats_;
};

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Sends `request` on a fresh connection and reads until the peer closes (or 3 s pass).
std::string exchange(std::uint16_t port, const std::string& request) {
  const int fd = connect_to(port);
  EXPECT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, n);
  ::close(fd);
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

io::Response echo_headers(const io::Request& r) {
  io::Response res{
      200,
      "{\"probe\":\"" +
          std::string(r.headers.get("x-probe") != nullptr ? *r.headers.get("x-probe") : "none") +
          "\"}",
      {}};
  res.headers.set("X-Answer", "42");
  if (r.path == "/text") res.headers.set("Content-Type", "text/plain");
  return res;
}

TEST(Http, HeadersTravelBothWaysAndContentTypeDefaultsToJson) {
  ServerThread server({}, echo_headers);
  const std::string a = exchange(server.port(),
                                 "GET /x HTTP/1.1\r\nHost: h\r\nX-PROBE: yes\r\nConnection: "
                                 "close\r\n\r\n");
  EXPECT_NE(a.find("{\"probe\":\"yes\"}"), std::string::npos) << a;
  EXPECT_NE(lower(a).find("x-answer: 42"), std::string::npos) << a;
  EXPECT_NE(lower(a).find("content-type: application/json"), std::string::npos) << a;
  const std::string t = exchange(server.port(),
                                 "GET /text HTTP/1.1\r\nHost: h\r\nConnection: "
                                 "close\r\n\r\n");
  EXPECT_NE(lower(t).find("content-type: text/plain"), std::string::npos) << t;
}

// Through the client transport: request headers out, response headers back. Server and client
// share one fiber runtime (the process-wide io_context runs on one thread only).
TEST(Http, ClientTransportCarriesHeadersBothWays) {
  run_fibers([&] {
    RealTasks tasks("server", 1);
    HttpTransport transport(&tasks, {}, 0, {});
    transport.serve(echo_headers);
    RealNode node("client", 1, {{"s", "127.0.0.1:" + std::to_string(transport.port())}}, 0);
    io::Request req{"GET", "/y", "", {}};
    req.headers.set("x-probe", "client");
    auto r =
        node.env().transport.call("s", req, node.env().clock.deadline_after_ns(5 * io::kNsPerSec));
    transport.stop();
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r.value().body, "{\"probe\":\"client\"}");
    ASSERT_NE(r.value().headers.get("x-answer"), nullptr);
    EXPECT_EQ(*r.value().headers.get("X-ANSWER"), "42");
  });
}

// stop() closes the listener and the idle connections, but a request being handled is answered
// (with Connection: close) before its connection ends.
TEST(Http, StopAnswersTheRequestInFlight) {
  run_fibers([&] {
    RealTasks tasks("server", 1);
    RealClock clock;
    HttpTransport transport(&tasks, {}, 0, {});
    transport.serve([&](const io::Request&) {
      clock.sleep_ns(300 * io::kNsPerMs);
      return io::Response{200, "{\"slow\":true}", {}};
    });
    RealNode node("client", 1, {{"s", "127.0.0.1:" + std::to_string(transport.port())}}, 0);
    tasks.spawn("stopper", [&] {
      clock.sleep_ns(100 * io::kNsPerMs);
      transport.stop();
    });
    auto r = node.env().transport.call("s", {"GET", "/slow", "", {}},
                                       node.env().clock.deadline_after_ns(5 * io::kNsPerSec));
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r.value().status, 200);
    EXPECT_EQ(r.value().body, "{\"slow\":true}");
    // And nothing new is accepted.
    auto after = node.env().transport.call("s", {"GET", "/slow", "", {}},
                                           node.env().clock.deadline_after_ns(io::kNsPerSec));
    EXPECT_FALSE(after.is_ok());
  });
}

TEST(Http, HeadGetsHeadersAndLengthButNoBody) {
  ServerThread server({}, echo_headers);
  const std::string h =
      exchange(server.port(), "HEAD /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_NE(h.find("200 OK"), std::string::npos) << h;
  EXPECT_NE(lower(h).find("content-length: 16"), std::string::npos) << h;  // {"probe":"none"}
  EXPECT_EQ(h.find("probe"), std::string::npos) << "a body was sent: " << h;
}

TEST(Http, TooManyHeaderFieldsGet431) {
  ServerThread server({}, echo_headers);
  std::string req = "GET /x HTTP/1.1\r\nHost: h\r\n";
  for (std::size_t i = 0; i <= io::kMaxHeaders; ++i) req += "X-F" + std::to_string(i) + ": v\r\n";
  const std::string r = exchange(server.port(), req + "\r\n");
  EXPECT_NE(r.find("431"), std::string::npos) << r;
  EXPECT_EQ(server.stop_and_stats().header_refusals, 1u);
}

TEST(Http, IdleConnectionsTimeOutAndMakeRoomUnderPressure) {
  HttpLimits limits;
  limits.max_connections = 4;
  limits.idle_timeout = std::chrono::milliseconds(400);
  ServerThread server(limits, echo_headers);
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(connect_to(server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // A fifth connection is served: the connection idle longest is closed to make room.
  const std::string r =
      exchange(server.port(), "GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_NE(r.find("200 OK"), std::string::npos) << r;
  char byte = 0;
  EXPECT_EQ(::recv(idle[0], &byte, 1, 0), 0) << "the oldest idle connection was not closed";
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // past the idle timeout
  EXPECT_EQ(::recv(idle[3], &byte, 1, 0), 0) << "an idle connection outlived the timeout";
  for (int fd : idle) ::close(fd);
  const HttpStats stats = server.stop_and_stats();
  EXPECT_GE(stats.evicted_idle, 1u);
  EXPECT_GE(stats.idle_timeouts, 1u);
}

TEST(Http, WhenEveryConnectionIsBusyANewOneGets503) {
  HttpLimits limits;
  limits.max_connections = 2;
  std::atomic<int> inside{0};
  ServerThread server(limits, [&](const io::Request&) {
    ++inside;
    RealClock().sleep_ns(800 * io::kNsPerMs);  // busy, not idle
    return io::Response{200, "{}", {}};
  });
  const std::string req = "GET /slow HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  std::thread a([&] { exchange(server.port(), req); });
  std::thread b([&] { exchange(server.port(), req); });
  for (int i = 0; i < 500 && inside < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string refused = exchange(server.port(), req);
  EXPECT_NE(refused.find("503"), std::string::npos) << refused;
  EXPECT_NE(refused.find("overloaded"), std::string::npos) << refused;
  a.join();
  b.join();
  EXPECT_EQ(server.stop_and_stats().refused_overload, 1u);
}

}  // namespace
}  // namespace fl::real
