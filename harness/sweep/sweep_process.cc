#include "harness/sweep/sweep_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "system/io/assert.h"

namespace fl::harness {
namespace fs = std::filesystem;

std::string self_executable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "" : p.string();
}

pid_t spawn_child(const std::string& exe, const std::vector<std::string>& args,
                  const std::string& log_path, std::string* error) {
  constexpr std::size_t kMaxArgs = 1024;
  FL_ASSERT(!exe.empty());
  FL_ASSERT(!log_path.empty());
  if (args.size() > kMaxArgs) {
    *error = "too many arguments for a child run";
    return -1;
  }
  std::error_code ec;
  fs::create_directories(fs::path(log_path).parent_path(), ec);
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    *error = "cannot open " + log_path + ": " + std::strerror(errno);
    return -1;
  }
  static const std::string kSelf = self_executable();  // the first spawn: the sweep's start
  const bool self = exe == kSelf;
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(exe.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    *error = std::string("fork failed: ") + std::strerror(errno);
    ::close(log);
    return -1;
  }
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
    // Running this very binary: through /proc/self/exe, which names the inode this process runs
    // (fork kept it), so a rebuild that replaces the file mid-sweep does not change or break the
    // seeds still to run; any other program by its path.
    ::execv(self ? "/proc/self/exe" : exe.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(log);
  return pid;
}

pid_t wait_child(int* exit_code, const std::function<bool()>& interrupted, long* max_rss_kb) {
  constexpr int kMaxInterrupts = 1000;
  for (int i = 0; i < kMaxInterrupts; ++i) {
    int status = 0;
    struct rusage usage = {};
    const pid_t pid = ::wait4(-1, &status, 0, &usage);
    if (pid < 0 && errno == EINTR && interrupted && interrupted()) return -1;
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) return -1;
    if (WIFEXITED(status)) {
      *exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      *exit_code = 128 + WTERMSIG(status);
    } else {
      continue;  // stopped or continued: not an end
    }
    if (max_rss_kb != nullptr) *max_rss_kb = usage.ru_maxrss;
    return pid;
  }
  return -1;
}

int run_child(const std::string& exe, const std::vector<std::string>& args,
              const std::string& log_path, std::string* error) {
  const pid_t pid = spawn_child(exe, args, log_path, error);
  if (pid < 0) return -1;
  constexpr int kMaxStrays = 1 << 16;  // other children ending first are not ours to report
  for (int i = 0; i < kMaxStrays; ++i) {
    int code = 0;
    const pid_t ended = wait_child(&code);
    if (ended == pid) return code;
    if (ended < 0) break;
  }
  *error = "lost track of the child process";
  return -1;
}

std::string shell_quote(const std::string& arg) {
  const bool plain = !arg.empty() && arg.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789-_./:=,+@") == std::string::npos;
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

namespace {

volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_old_int, g_old_term;

extern "C" void on_interrupt(int signal) {
  if (g_signal != 0) ::_exit(128 + signal);  // a second signal: stop now
  g_signal = signal;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking waitpid returns EINTR
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
}

bool InterruptGuard::interrupted() { return g_signal != 0; }
int InterruptGuard::signal_number() { return g_signal; }

int stop_children(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) ::kill(pid, SIGTERM);
  std::vector<pid_t> left = pids;
  constexpr int kStepMs = 20;
  for (int waited = 0; !left.empty() && waited < kStopChildrenGraceMs; waited += kStepMs) {
    std::vector<pid_t> still;
    for (pid_t pid : left) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == 0) still.push_back(pid);
    }
    left = std::move(still);
    if (!left.empty()) ::usleep(kStepMs * 1000);
  }
  for (pid_t pid : left) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  return static_cast<int>(left.size());
}

}  // namespace fl::harness
