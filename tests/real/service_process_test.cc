// Proves ServiceProcess and RealFaultPort's process nodes (real/fault/service_process.h) without
// servers: the child is this test binary re-executed as a tiny HTTP server ("--http-child PORT":
// answers every request with 200), or as one that exits at once ("--exit-child"). start() waits
// until GET /health is answered; kill() is SIGKILL and leaves no zombie; a restart serves on the
// same port; pause() freezes the process (state T) and resume() thaws it; a child that exits
// while starting is an error naming its exit status and its log; died() reports a child that
// ended by itself; the destructor leaves no process behind. Through RealFaultPort: kill,
// restart, pause and resume reach the hooks, heal_all restarts a killed process, and a
// partition, one-way block or link fault naming a process node is refused with its reason.
#include "real/fault/service_process.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "real/fiber_runtime.h"
#include "real/node_runtime.h"

namespace fl::real::fault {
namespace {

std::string g_self;  // this binary, for the children

// The child's HTTP server: accepts forever, answers 200 to whatever arrives (bounded loop).
int http_child(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
    std::fprintf(stderr, "child: cannot listen on %u: %s\n", port, std::strerror(errno));
    return 2;
  }
  std::fprintf(stderr, "child: listening on %u\n", port);
  constexpr int kMaxRequests = 100000;
  for (int i = 0; i < kMaxRequests; ++i) {
    const int c = ::accept(fd, nullptr, nullptr);
    if (c < 0) continue;
    char buf[1024];
    (void)::recv(c, buf, sizeof buf, 0);
    const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)::send(c, reply, sizeof reply - 1, MSG_NOSIGNAL);
    ::close(c);
  }
  return 0;
}

char state_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return '-';  // gone (reaped)
  const auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() ? '?' : line[close + 2];
}

std::uint16_t free_port() {
  std::uint64_t n = static_cast<std::uint64_t>(::getpid()) * 7919;
  return pick_service_port({}, [&n] { return n += 104729; });
}

ServiceProcessSpec spec_for(const std::string& mode, std::uint16_t port, const std::string& tag) {
  ServiceProcessSpec s;
  s.name = "svc-" + tag;
  s.port = port;
  s.argv = {g_self, mode, std::to_string(port)};
  s.log_path = "/tmp/fl-service-process-test-" + std::to_string(::getpid()) + "-" + tag + ".log";
  std::remove(s.log_path.c_str());
  return s;
}

// Runs `body` on the production fiber runtime (ServiceProcess waits on a RealClock).
void on_fibers(const std::function<void(io::Clock&)>& body) {
  run_fibers([&] {
    RealClock clock;
    body(clock);
  });
}

TEST(ServiceProcess, StartsKillsRestartsPausesAndReaps) {
  const std::uint16_t port = free_port();
  ASSERT_NE(port, 0);
  pid_t first = -1, second = -1;
  on_fibers([&](io::Clock& clock) {
    ServiceProcess p(spec_for("--http-child", port, "a"), clock);
    ASSERT_EQ(p.start(), "");
    first = p.pid();
    EXPECT_TRUE(p.running());
    EXPECT_NE(state_of(first), '-');
    ASSERT_EQ(p.kill(), "");
    EXPECT_FALSE(p.running());
    EXPECT_EQ(state_of(first), '-') << "killed and reaped: no zombie";
    EXPECT_NE(p.kill(), "") << "killing a dead process is an error";
    ASSERT_EQ(p.start(), "") << "restart on the same port";
    second = p.pid();
    EXPECT_EQ(p.starts(), 2);
    ASSERT_EQ(p.pause(), "");
    EXPECT_EQ(state_of(second), 'T');
    EXPECT_NE(p.pause(), "");
    ASSERT_EQ(p.resume(), "");
    EXPECT_NE(state_of(second), 'T');
    EXPECT_NE(p.resume(), "");
    ASSERT_EQ(p.pause(), "");
    std::string why;
    EXPECT_FALSE(p.died(&why));
    EXPECT_EQ(p.unexpected_exits(), 0);
  });  // the destructor stops it, paused as it is
  EXPECT_EQ(state_of(second), '-') << "stopped and reaped";
}

TEST(ServiceProcess, AChildThatExitsIsAnErrorWithItsLog) {
  const std::uint16_t port = free_port();
  on_fibers([&](io::Clock& clock) {
    ServiceProcess p(spec_for("--exit-child", port, "b"), clock);
    const std::string error = p.start();
    EXPECT_NE(error.find("exited with status 3"), std::string::npos) << error;
    EXPECT_NE(error.find("child: giving up"), std::string::npos) << error;
    EXPECT_FALSE(p.running());
    EXPECT_EQ(p.unexpected_exits(), 1);
  });
}

TEST(ServiceProcess, DiedReportsAChildThatEndedByItself) {
  const std::uint16_t port = free_port();
  on_fibers([&](io::Clock& clock) {
    ServiceProcess p(spec_for("--http-child", port, "c"), clock);
    ASSERT_EQ(p.start(), "");
    ASSERT_EQ(::kill(p.pid(), SIGTERM), 0);  // not through the harness
    std::string why;
    for (int i = 0; i < 500 && !p.died(&why); ++i) clock.sleep_ns(10'000'000);
    EXPECT_NE(why.find("killed by signal 15"), std::string::npos) << why;
    EXPECT_EQ(p.unexpected_exits(), 1);
    EXPECT_FALSE(p.running());
  });
}

TEST(ServiceProcess, FaultPortDrivesProcessNodesAndRefusesNetworkFaults) {
  const std::uint16_t port = free_port();
  on_fibers([&](io::Clock& clock) {
    ServiceProcess p(spec_for("--http-child", port, "d"), clock);
    ASSERT_EQ(p.start(), "");
    std::string error;
    auto fp = RealFaultPort::create(clock, {}, {}, 1, &error);
    ASSERT_NE(fp, nullptr) << error;
    ASSERT_EQ(fp->add_process_node(p.process_node()), "");
    EXPECT_NE(fp->add_process_node(p.process_node()), "") << "duplicate name";
    EXPECT_EQ(fp->nodes(), std::vector<std::string>{"svc-d"});
    const pid_t before = p.pid();
    ASSERT_EQ(fp->kill("svc-d", false), "");
    EXPECT_EQ(state_of(before), '-');
    EXPECT_NE(fp->kill("svc-d", false), "");
    EXPECT_NE(fp->pause("svc-d"), "") << "a killed process cannot be paused";
    ASSERT_EQ(fp->restart("svc-d"), "");
    ASSERT_TRUE(p.running());
    ASSERT_EQ(fp->pause("svc-d"), "");
    EXPECT_EQ(state_of(p.pid()), 'T');
    ASSERT_EQ(fp->resume("svc-d"), "");
    EXPECT_NE(fp->kill("svc-d", /*lose_unsynced=*/true), "");
    const std::string refused = fp->partition({{"svc-d"}, {}});
    EXPECT_NE(refused.find("cannot be cut off"), std::string::npos) << refused;
    EXPECT_NE(fp->block_one_way("svc-d", kHarness), "");
    EXPECT_NE(fp->set_link_faults(kHarness, "svc-d", {0, 0, 1'000'000, 0}), "");
    ASSERT_EQ(fp->pause("svc-d"), "");
    ASSERT_EQ(fp->heal_all(), "");
    EXPECT_NE(state_of(p.pid()), 'T');
    ASSERT_EQ(fp->kill("svc-d", false), "");
    ASSERT_EQ(fp->heal_all(), "");
    EXPECT_TRUE(p.running()) << "heal_all restarts a killed process";
    EXPECT_EQ(p.starts(), 3);
  });
}

}  // namespace
}  // namespace fl::real::fault

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--http-child") {
    return fl::real::fault::http_child(static_cast<std::uint16_t>(std::atoi(argv[2])));
  }
  if (argc == 3 && std::string(argv[1]) == "--exit-child") {
    std::fprintf(stderr, "child: giving up\n");
    return 3;
  }
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return 2;
  fl::real::fault::g_self.assign(self, static_cast<std::size_t>(n));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
