#include "real/fault/process_control.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "system/io/assert.h"

namespace fl::real::fault {
namespace {

constexpr std::int64_t kPollNs = 5'000'000;
constexpr std::size_t kMaxProcEntries = 1'000'000;

// State letter and parent pid from /proc/PID/stat, or false if it is gone.
bool read_stat(pid_t pid, char* state, pid_t* ppid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return false;
  // The command name is in parentheses and may hold spaces: parse after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 1));
  long parent = 0;
  rest >> *state >> parent;
  *ppid = static_cast<pid_t>(parent);
  return static_cast<bool>(rest);
}

// Every live (pid, ppid) pair in /proc.
std::vector<std::pair<pid_t, pid_t>> all_processes() {
  std::vector<std::pair<pid_t, pid_t>> out;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return out;
  std::size_t seen = 0;
  for (dirent* e = readdir(dir); e != nullptr && seen < kMaxProcEntries; e = readdir(dir)) {
    ++seen;
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || pid <= 0) continue;
    char state = 0;
    pid_t ppid = 0;
    if (read_stat(static_cast<pid_t>(pid), &state, &ppid) && state != 'Z' && state != 'X') {
      out.emplace_back(static_cast<pid_t>(pid), ppid);
    }
  }
  closedir(dir);
  return out;
}

std::string signal_all(const std::vector<pid_t>& pids, int sig) {
  for (pid_t p : pids) {
    if (::kill(p, sig) != 0 && errno != ESRCH) {
      return "kill(" + std::to_string(p) + ", " + std::to_string(sig) + "): " + strerror(errno);
    }
  }
  return "";
}

// fork + exec of /bin/sh -c `command` with stdout to /dev/null and stderr to `err_path`, every
// other descriptor closed in the child: std::system would hand our sockets (the proxies' open
// connections) to a daemon the command starts, which then holds them open for its lifetime.
int spawn_shell(const std::string& command, const char* err_path) {
  const int out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  const int err = ::open(err_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (out < 0 || err < 0) return -1;
  const pid_t child = ::fork();
  if (child == 0) {  // only async-signal-safe calls until exec
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::close_range(3, ~0U, 0);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  if (child < 0) return -1;
  int status = 0;
  constexpr int kMaxInterruptedWaits = 1000;
  for (int i = 0; i < kMaxInterruptedWaits; ++i) {
    if (::waitpid(child, &status, 0) == child) return status;
    if (errno != EINTR) return -1;
  }
  return -1;
}

}  // namespace

pid_t read_pid_file(const std::string& pid_file, std::string* error) {
  FL_ASSERT(error != nullptr);
  std::ifstream in(pid_file);
  long pid = 0;
  if (!in || !(in >> pid) || pid <= 1) {
    *error = "no valid pid in " + pid_file + " (is the server running?)";
    return -1;
  }
  error->clear();
  return static_cast<pid_t>(pid);
}

bool process_alive(pid_t pid) {
  char state = 0;
  pid_t ppid = 0;
  return pid > 0 && read_stat(pid, &state, &ppid) && state != 'Z' && state != 'X';
}

std::vector<pid_t> process_tree(pid_t root) {
  FL_ASSERT(root > 1);
  std::vector<pid_t> tree;
  if (!process_alive(root)) return tree;
  const auto procs = all_processes();
  tree.push_back(root);
  for (std::size_t i = 0; i < tree.size() && tree.size() < kMaxTreeProcesses; ++i) {
    for (const auto& [pid, ppid] : procs) {
      if (ppid == tree[i] && tree.size() < kMaxTreeProcesses) tree.push_back(pid);
    }
  }
  return tree;
}

// Freezes the tree: the root first (so it forks no more), then what it forked, until a listing
// finds nothing new (a child forked between the listing and the root's SIGSTOP).
static std::string freeze_tree(pid_t root, std::vector<pid_t>* tree) {
  constexpr int kMaxRounds = 8;
  if (!process_alive(root)) return "process " + std::to_string(root) + " is not running";
  std::string error = signal_all({root}, SIGSTOP);
  for (int round = 0; round < kMaxRounds && error.empty(); ++round) {
    const std::size_t before = tree->size();
    *tree = process_tree(root);
    error = signal_all(*tree, SIGSTOP);
    if (tree->size() == before) break;
  }
  return error;
}

std::string kill_tree(pid_t root) {
  std::vector<pid_t> tree;
  std::string error = freeze_tree(root, &tree);
  if (error.empty()) error = signal_all(tree, SIGKILL);
  if (!error.empty()) return error;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(kKillWaitNs);
  for (pid_t p : tree) {
    while (process_alive(p)) {
      if (std::chrono::steady_clock::now() > deadline) {
        return "process " + std::to_string(p) + " still alive after SIGKILL";
      }
      std::this_thread::sleep_for(std::chrono::nanoseconds(kPollNs));
    }
  }
  return "";
}

std::string pause_tree(pid_t root, std::vector<pid_t>* stopped) {
  FL_ASSERT(stopped != nullptr);
  stopped->clear();
  return freeze_tree(root, stopped);
}

std::string resume_pids(const std::vector<pid_t>& pids) { return signal_all(pids, SIGCONT); }

std::string run_command(const std::string& command) {
  char err_path[] = "/tmp/fl-fault-cmd-XXXXXX";
  const int fd = mkstemp(err_path);
  if (fd < 0) return std::string("mkstemp: ") + strerror(errno);
  ::close(fd);
  const int status = spawn_shell(command, err_path);
  std::string last;  // the last lines of stderr, joined
  {
    constexpr std::size_t kMaxErrorBytes = 600;
    std::ifstream in(err_path);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      last = last.empty() ? line : last + " | " + line;
      if (last.size() > kMaxErrorBytes) last = last.substr(last.size() - kMaxErrorBytes);
    }
  }
  std::remove(err_path);
  if (status == 0) return "";
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return "command failed (exit " + std::to_string(code) + "): " + command +
         (last.empty() ? "" : ": " + last);
}

}  // namespace fl::real::fault
