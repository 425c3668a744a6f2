// Proves that `faultline serve` stays available under the abuse an operator would try: 2,000
// idle keep-alive connections, then 300 more while the process may hold only 256 file
// descriptors (ulimit -n 256, so accept() fails with EMFILE). /health must keep answering (or
// answer again within a second): idle connections are closed to make room and the accept loop
// backs off and recovers instead of dying. How: the binary runs `serve echo` (no stores needed)
// in a child process with RLIMIT_NOFILE 256; this process raises its own limit and opens the
// connections with blocking sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// GET /health on a fresh connection: true when a 200 comes back within the socket timeout.
bool health_ok(std::uint16_t port) {
  const int fd = connect_to(port);
  if (fd < 0) return false;
  const std::string req = "GET /health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  std::string out;
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
    char buf[1024];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, n);
  }
  ::close(fd);
  return out.find("200 OK") != std::string::npos;
}

// /health answers now, or within `grace` of retrying.
bool health_within(std::uint16_t port, std::chrono::milliseconds grace) {
  const auto until = std::chrono::steady_clock::now() + grace;
  do {
    if (health_ok(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

pid_t spawn_serve(std::uint16_t port) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    rlimit lim{256, 256};
    ::setrlimit(RLIMIT_NOFILE, &lim);
    const std::string p = std::to_string(port);
    ::execl(FL_FAULTLINE_PATH, "faultline", "serve", "echo", "--port", p.c_str(), "--log-level",
            "error", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

TEST(ServeAbuse, HealthAnswersThroughIdleFloodAndDescriptorExhaustion) {
  rlimit mine{};
  ::getrlimit(RLIMIT_NOFILE, &mine);
  mine.rlim_cur = mine.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &mine);
  if (mine.rlim_cur < 2600) GTEST_SKIP() << "this process may open only " << mine.rlim_cur;
  const std::uint16_t port = free_port();
  const pid_t pid = spawn_serve(port);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(health_within(port, std::chrono::milliseconds(10000))) << "serve did not start";
  std::vector<int> held;
  int failures = 0;
  for (int i = 0; i < 2300; ++i) {
    const int fd = connect_to(port);
    if (fd >= 0) held.push_back(fd);
    if (i % 250 == 249 && !health_within(port, std::chrono::milliseconds(1000))) ++failures;
  }
  EXPECT_EQ(failures, 0) << "/health did not answer within a second while connections piled up";
  EXPECT_TRUE(health_within(port, std::chrono::milliseconds(1000)));
  for (int fd : held) ::close(fd);
  EXPECT_TRUE(health_within(port, std::chrono::milliseconds(1000)));
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "serve died";
  ::kill(pid, SIGTERM);
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit status " << status;
}

}  // namespace
