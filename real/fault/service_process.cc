#include "real/fault/service_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>

#include "system/io/assert.h"

namespace fl::real::fault {
namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::size_t kMaxLogTailLines = 6;
constexpr std::size_t kMaxLogTailLineBytes = 300;
constexpr int kMaxPortDraws = 400;
constexpr std::size_t kMaxReplyBytes = 64;

// Blocks the calling thread (not a fiber wait): only stop() uses it, at the end of a run.
void nap_ns(std::int64_t ns) {
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended (wait status " + std::to_string(status) + ")";
}

// One non-blocking attempt at GET /health: -1 nothing listens (or it failed), 0 still waiting
// for an answer, 1 an HTTP status line arrived. `fd` carries the attempt between calls.
int poll_health(std::uint16_t port, int* fd, std::string* reply) {
  if (*fd < 0) {
    *fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Loopback connects complete at once (accepted into the backlog, or refused).
    if (::connect(*fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
    const std::string get = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(*fd, get.data(), get.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(get.size())) {
      return -1;
    }
    ::fcntl(*fd, F_SETFL, ::fcntl(*fd, F_GETFL) | O_NONBLOCK);
    reply->clear();
  }
  char buf[kMaxReplyBytes];
  const ssize_t n = ::recv(*fd, buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
  if (n <= 0) return -1;
  reply->append(buf, static_cast<std::size_t>(n));
  if (reply->size() < 12) return 0;  // "HTTP/1.1 200"
  return reply->rfind("HTTP/1.", 0) == 0 ? 1 : -1;
}

bool port_free(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::uint16_t pick_service_port(const std::vector<std::uint16_t>& taken,
                                const std::function<std::uint64_t()>& draw) {
  int ephemeral_low = 32768;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  range >> ephemeral_low;
  // 26000 up to the ephemeral range: apart from the throwaway servers (20000..25999,
  // real/servers/start.sh) and from the shell tests' serve processes (10000..19999).
  constexpr int kLow = 26000;
  const int span = ephemeral_low > kLow + 1000 ? ephemeral_low - kLow : 6000;
  for (int i = 0; i < kMaxPortDraws; ++i) {
    const auto port = static_cast<std::uint16_t>(kLow + static_cast<int>(draw() % span));
    if (port == 5432 || port == 6379) continue;
    if (std::find(taken.begin(), taken.end(), port) != taken.end()) continue;
    if (port_free(port)) return port;
  }
  return 0;
}

ServiceProcess::ServiceProcess(ServiceProcessSpec spec, io::Clock& clock)
    : spec_(std::move(spec)), clock_(clock) {
  FL_ASSERT(!spec_.name.empty() && !spec_.argv.empty() && spec_.argv.size() <= kMaxArgs);
  FL_ASSERT(spec_.port != 0 && !spec_.log_path.empty());
}

ServiceProcess::~ServiceProcess() { stop(); }

std::string ServiceProcess::spawn() {
  FL_ASSERT(pid_ < 0);
  std::vector<char*> argv;
  for (auto& a : spec_.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int log = ::open(spec_.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return spec_.name + ": cannot open " + spec_.log_path + ": " + strerror(errno);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child == 0) {  // only async-signal-safe calls until exec
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);  // the harness died before prctl
    ::setpgid(0, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(log);
  if (child < 0) return spec_.name + ": fork: " + strerror(fork_errno);
  pid_ = child;
  paused_ = false;
  ++starts_;
  return "";
}

bool ServiceProcess::exited(std::string* why) {
  if (pid_ < 0) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return false;
  *why = r == pid_ ? describe_status(status) : std::string("waitpid: ") + strerror(errno);
  pid_ = -1;
  paused_ = false;
  return true;
}

std::string ServiceProcess::start() {
  FL_ASSERT_MSG(pid_ < 0, spec_.name << " is already running");
  if (std::string e = spawn(); !e.empty()) return e;
  const std::int64_t deadline = clock_.monotonic_ns() + kStartTimeoutNs;
  int fd = -1;
  std::string reply, why;
  int answered = -1;
  while (clock_.monotonic_ns() < deadline) {
    if (exited(&why)) {
      ++unexpected_exits_;
      break;
    }
    answered = poll_health(spec_.port, &fd, &reply);
    if (answered == 1) break;
    if (answered < 0 && fd >= 0) {
      ::close(fd);
      fd = -1;
    }
    clock_.sleep_ns(kHealthPollNs);
  }
  if (fd >= 0) ::close(fd);
  if (answered == 1) return "";
  if (why.empty()) {
    why = "no answer to GET /health on 127.0.0.1:" + std::to_string(spec_.port) + " within " +
          std::to_string(kStartTimeoutNs / 1'000'000'000) + " s";
    (void)kill();
  }
  return spec_.name + " did not start: " + why + "; log " + spec_.log_path + ": " + log_tail();
}

bool ServiceProcess::died(std::string* why) {
  FL_ASSERT(why != nullptr);
  if (pid_ < 0 || !exited(why)) return false;
  ++unexpected_exits_;
  return true;
}

std::string ServiceProcess::kill() {
  if (pid_ < 0) return spec_.name + " is not running";
  if (::kill(pid_, SIGKILL) != 0 && errno != ESRCH) {
    return spec_.name + ": kill -9: " + strerror(errno);
  }
  int status = 0;
  constexpr int kMaxInterruptedWaits = 1000;
  for (int i = 0; i < kMaxInterruptedWaits; ++i) {
    if (::waitpid(pid_, &status, 0) == pid_ || errno != EINTR) break;
  }
  pid_ = -1;
  paused_ = false;
  return "";
}

std::string ServiceProcess::ended_while_signalled(const std::string& what, int status) {
  if (WIFEXITED(status) || WIFSIGNALED(status)) {  // it ended (reaped by that waitpid)
    pid_ = -1;
    paused_ = false;
    ++unexpected_exits_;
  }
  return spec_.name + " " + what + ": " + describe_status(status);
}

std::string ServiceProcess::pause() {
  if (pid_ < 0 || paused_) return spec_.name + " is not running";
  if (::kill(pid_, SIGSTOP) != 0) return spec_.name + ": SIGSTOP: " + strerror(errno);
  // In force when this returns: wait for the stop itself (a signal is delivered asynchronously).
  int status = 0;
  if (::waitpid(pid_, &status, WUNTRACED) != pid_ || !WIFSTOPPED(status)) {
    return ended_while_signalled("did not stop", status);
  }
  paused_ = true;
  return "";
}

std::string ServiceProcess::resume() {
  if (pid_ < 0 || !paused_) return spec_.name + " is not paused";
  if (::kill(pid_, SIGCONT) != 0) return spec_.name + ": SIGCONT: " + strerror(errno);
  int status = 0;
  if (::waitpid(pid_, &status, WCONTINUED) != pid_ || !WIFCONTINUED(status)) {
    return ended_while_signalled("did not continue", status);
  }
  paused_ = false;
  return "";
}

void ServiceProcess::stop() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGCONT);
  ::kill(pid_, SIGTERM);
  std::string why;
  for (std::int64_t waited = 0; waited < kStopGraceNs; waited += kHealthPollNs) {
    if (exited(&why)) return;
    nap_ns(kHealthPollNs);
  }
  (void)kill();
}

std::string ServiceProcess::log_tail() const {
  std::ifstream in(spec_.log_path);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line.size() > kMaxLogTailLineBytes) line.resize(kMaxLogTailLineBytes);
    last.push_back(line);
    if (last.size() > kMaxLogTailLines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += (out.empty() ? "" : " | ") + l;
  return out.empty() ? "(empty)" : out;
}

ProcessNode ServiceProcess::process_node() {
  ProcessNode n;
  n.name = spec_.name;
  n.kill = [this] { return kill(); };
  n.restart = [this] { return start(); };
  n.pause = [this] { return pause(); };
  n.resume = [this] { return resume(); };
  n.network_refusal =
      "service process '" + spec_.name +
      "' cannot be cut off in real mode: it reaches Kafka (the mock brokers inside the harness' "
      "process) directly, so only its stores could be partitioned from it; partition the stores "
      "(pg1, redis, kafka) instead";
  return n;
}

}  // namespace fl::real::fault
